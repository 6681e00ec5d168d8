// Two sentinel cases share one new label; the name `loop` is taken by a variable.
function replay(events, loop) {
  const applied = [];
  loop2: while (1) {
    const event = events.shift() ?? { type: 'eof' };
    switch (event.type) {
      case 'apply':
        applied.push(loop(event));
        break;
      case 'abort':
        break loop2;
      case 'eof':
        break loop2;
    }
  }
  return applied;
}

module.exports = { replay };
