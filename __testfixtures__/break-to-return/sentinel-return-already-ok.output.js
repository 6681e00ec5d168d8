async function consume(queue) {
  const timer = setInterval(() => queue.ping(), 1000);
  try {
    while (true) {
      const msg = await queue.next();
      switch (msg.type) {
        case 'data':
          console.log(msg.value);
          break;
        case 'end':
          return;
      }
    }
  } finally {
    clearInterval(timer);
  }
}

module.exports = { consume };
