// The loop already ends on 'end'. 'job' releases the previous lease, then its 'stop' command
// stops that job: neither the disposal nor the inner sentinel ends the stream.
async function work(channel, lease, jobs) {
  try {
    while (true) {
      const msg = await channel.receive();
      switch (msg.kind) {
        case 'job':
          lease.release();
          switch (msg.command) {
            case 'start':
              jobs.start(msg.id);
              break;
            case 'stop':
              break;
          }
          break;
        case 'end':
          return;
      }
    }
  } finally {
    channel.close();
  }
}

module.exports = { work };
