// The loop already ends on 'end'. 'stop' is a command inside a 'job' message: it stops the job,
// and the loop reads the next message, so this break is reported, not rewritten.
async function work(channel, jobs) {
  const timer = setInterval(() => channel.ping(), 5000);
  try {
    while (true) {
      const msg = await channel.receive();
      switch (msg.kind) {
        case 'job':
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
    clearInterval(timer);
  }
}

module.exports = { work };
