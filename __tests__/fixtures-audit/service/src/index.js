const { startMetrics } = require('./metrics');

function tick() {
  process.stdout.write('.');
  setTimeout(tick, 1000);
}

function main() {
  startMetrics();
  tick();
}

main();
