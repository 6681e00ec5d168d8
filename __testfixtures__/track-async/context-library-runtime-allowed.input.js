async function refresh() {}

function start() {
  refresh();
}

module.exports = { start };
