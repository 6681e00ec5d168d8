async function onSession(session, ms) {
  const timeout = setTimeout(() => {
    debug('the client failed to open a stream in time');
    session.close();
  }, ms);
  const result = await session.streams.read();
  clearTimeout(timeout);
  return result.value;
}

class Child {
  async kill(ms) {
    const onExit = this.exited();
    this.killProcess('SIGTERM');
    const escalate = setTimeout(() => {
      if (!this.hasExited()) this.killProcess('SIGKILL');
    }, ms);
    await onExit;
    clearTimeout(escalate);
  }
}

async function shutdown(server) {
  const forceExit = setTimeout(onStuck, 10_000);
  await server.close();
  clearTimeout(forceExit);
}

function onStuck() {
  console.error('shutdown is stuck');
  process.exit(1);
}
