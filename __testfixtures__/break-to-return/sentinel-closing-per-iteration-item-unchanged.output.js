// `close` here is one connection's end: the accept loop must go on serving the next one.
async function serve(listener, handle) {
  const stats = setInterval(() => listener.report(), 60_000);
  try {
    while (true) {
      const conn = await listener.accept();
      const event = await conn.first();
      switch (event.type) {
        case 'request':
          await handle(conn, event);
          break;
        case 'close':
          conn.destroy();
          break;
      }
    }
  } finally {
    clearInterval(stats);
  }
}

module.exports = { serve };
