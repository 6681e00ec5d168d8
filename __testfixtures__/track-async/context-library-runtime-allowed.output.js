const { track } = require('@leakfix/runtime');

async function refresh() {}

function start() {
  track(refresh(), 'refresh');
}

module.exports = { start };
