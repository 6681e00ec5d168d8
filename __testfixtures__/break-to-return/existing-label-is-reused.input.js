async function follow(log, offsets) {
  let last = 0;
  tail: while (true) {
    const entry = await log.read(last);
    switch (entry.kind) {
      case 'record':
        last = entry.offset;
        break;
      case 'closed':
        break;
    }
  }
  offsets.commit(last);
}

module.exports = { follow };
