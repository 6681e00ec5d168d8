async function relay(src, dst) {
  const sent = [];
  while (!0) {
    const m = await src.next();
    switch (m.type) {
      case "data":
        sent.push(dst.send(m.data));
        break;
      case "quit":
        break;
    }
  }
  await Promise.all(sent);
  dst.close();
}

module.exports = { relay };
