async function loop(reader) {
  while (true) {
    let state = 'open';
    try {
      state = await reader.step();
    } finally {
      switch (state) {
        case 'closed':
          break;
        default:
          reader.mark(state);
      }
    }
  }
}

module.exports = { loop };
