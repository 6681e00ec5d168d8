async function listen(conn) {
  const ticker = setInterval(() => conn.ping(), 1000);
  try {
    while (true) {
      const frame = await conn.read();
      switch (frame.type) {
        case 'message':
          conn.emit('message', frame.data);
          break;
        case 'heartbeat':
        case 'close':
          break;
      }
    }
  } finally {
    clearInterval(ticker);
  }
}

module.exports = { listen };
