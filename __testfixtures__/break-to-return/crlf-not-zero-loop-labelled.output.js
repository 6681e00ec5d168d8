async function relay(src, dst) {
  const sent = [];
  loop: while (!0) {
    const m = await src.next();
    switch (m.type) {
      case "data":
        sent.push(dst.send(m.data));
        break;
      case "quit":
        break loop;
    }
  }
  await Promise.all(sent);
  dst.close();
}

module.exports = { relay };
