async function flush() {}

async function shutdown() {
  flush();
  process.exit(0);
}

process.on('SIGTERM', shutdown);
