const fs = require('fs');
const os = require('node:os');
const { serialize } = require('pg-protocol');
const EventEmitter = require('events').EventEmitter;

function closeQuietly(fd) {
  fs.close(fd, () => {});
  return os.release();
}

function endBuffer() {
  return serialize.end();
}

function publicApi(server) {
  const api = {
    close() {
      return server.close();
    },
  };
  process.on('SIGTERM', () => api.close());
  return new EventEmitter();
}

async function sync(fd) {
  const fsp = await import('node:fs/promises');
  await work(fd);
  fsp.close(fd);
}

function readAll(path) {
  const fd = fs.openSync(path, 'r');
  const text = fs.readFileSync(fd, 'utf8');
  fs.closeSync(fd);
  return text;
}
