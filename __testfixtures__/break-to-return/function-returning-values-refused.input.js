async function collect(feed) {
  if (!feed) return null;
  const items = [];
  while (true) {
    const item = await feed.next();
    switch (item.type) {
      case 'item':
        items.push(item.value);
        break;
      case 'done':
        break;
    }
  }
}

module.exports = { collect };
