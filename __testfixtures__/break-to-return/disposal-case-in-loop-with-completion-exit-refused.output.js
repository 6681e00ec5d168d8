// The loop already ends on 'end'. `case 'reset'` clears the heartbeat to start a new one and
// reads on: a disposal call in a loop that has its own way out is not the end of the stream.
async function follow(feed, log) {
  let heartbeat = setInterval(() => log('alive'), 1000);
  try {
    while (true) {
      const msg = await feed.next();
      switch (msg.type) {
        case 'data':
          log(msg.value);
          break;
        case 'reset':
          clearInterval(heartbeat);
          heartbeat = setInterval(() => log('alive'), msg.interval);
          break;
        case 'end':
          return;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}

module.exports = { follow };
