async function forward(source, target) {
  while (true) {
    const event = await source.next();
    switch (event.type) {
      case 'data':
        target.write(event.chunk);
        break;
      case 'ping':
        source.pong();
        break;
    }
  }
}

module.exports = { forward };
