async function serve(channel, handlers) {
  const timer = setInterval(() => channel.ping(), 5000);
  try {
    while (true) {
      const msg = await channel.receive();
      switch (msg.kind) {
        case 'request':
          await handlers[msg.name](msg);
          break;
        case 'control':
          switch (msg.command) {
            case 'pause':
              channel.pause();
              break;
            case 'stop':
              return;
          }
          break;
      }
    }
  } finally {
    clearInterval(timer);
  }
}

module.exports = { serve };
