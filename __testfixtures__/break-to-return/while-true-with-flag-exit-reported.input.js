async function run(inbox) {
  let stopped = false;
  while (true) {
    const msg = await inbox.take();
    switch (msg.type) {
      case 'work':
        await msg.job();
        break;
      case 'stop':
        stopped = true;
        break;
    }
    if (stopped) break;
  }
  inbox.close();
}

module.exports = { run };
