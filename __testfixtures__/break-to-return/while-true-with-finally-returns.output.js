async function consume(queue, log) {
  const heartbeat = setInterval(() => log('alive'), 1000);
  try {
    while (true) {
      const msg = await queue.next();
      switch (msg.type) {
        case 'data':
          log(msg.value);
          break;
        case 'end':
          // the producer is done
          return;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}

module.exports = { consume };
