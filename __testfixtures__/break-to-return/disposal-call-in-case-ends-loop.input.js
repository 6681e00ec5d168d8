const net = require('net');

async function pump(socket, frames, onFrame) {
  while (true) {
    const frame = await frames.next();
    switch (frame.op) {
      case 'text':
        onFrame(frame.payload);
        break;
      case 'hangup':
        socket.destroy();
        break;
    }
  }
}

module.exports = { pump, net };
