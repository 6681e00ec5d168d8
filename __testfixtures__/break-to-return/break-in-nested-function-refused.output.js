async function watch(emitter) {
  while (true) {
    await new Promise((resolve) => {
      emitter.once('event', (event) => {
        switch (event.type) {
          case 'change':
            console.log(event.path);
            break;
          case 'close':
            break;
        }
        resolve();
      });
    });
  }
}

module.exports = { watch };
