const { track } = require('@leakfix/runtime');

async function refresh() {
  throw new Error('stale');
}

function start() {
  track(refresh(), 'start:refresh');
}

module.exports = { start };
