async function run(inbox) {
  let running = true;
  while (running) {
    const msg = await inbox.take();
    switch (msg.type) {
      case 'work':
        await msg.job();
        break;
      case 'stop':
        running = false;
        break;
    }
  }
  inbox.close();
}

module.exports = { run };
