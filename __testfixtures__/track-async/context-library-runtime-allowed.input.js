async function refresh() {
  throw new Error('stale');
}

function start() {
  refresh();
}

module.exports = { start };
