const { supervise } = require('@leakfix/runtime');

async function sync() {}

function start() {
  supervise('sync', () => sync(), { everyMs: 1000 });
  sync();
}

module.exports = { start };
