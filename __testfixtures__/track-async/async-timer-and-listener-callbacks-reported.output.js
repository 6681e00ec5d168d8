async function save() {}

export function wire(emitter, server) {
  setTimeout(async () => {
    await save();
  }, 100);
  emitter.on('change', async function onChange() {
    await save();
  });
  process.once('SIGTERM', async () => {
    try {
      await save();
    } catch (error) {
      console.error(error);
    }
  });
  setInterval(async () => {
    await save();
  }, 1000);
  server.close(async () => {
    await save();
  });
}
