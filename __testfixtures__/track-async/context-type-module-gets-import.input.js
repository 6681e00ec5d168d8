async function refresh() {}

function start() {
  refresh();
}

start();
