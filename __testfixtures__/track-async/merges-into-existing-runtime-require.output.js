const { supervise, track } = require('@leakfix/runtime');

async function sync() {}

function start() {
  supervise('sync', () => sync(), { everyMs: 1000 });
  track(sync(), 'start:sync');
}

module.exports = { start };
