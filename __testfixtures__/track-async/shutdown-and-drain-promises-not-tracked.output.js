const { shutdown, defaultGroup, track } = require('@leakfix/runtime');

async function sendMetrics() {}

async function main() {
  track(sendMetrics(), 'main:sendMetrics');
  await shutdown({ timeoutMs: 2000 });
}

main();
shutdown().then(() => process.exit(0));
defaultGroup().drain().then((result) => console.log(result));
(async () => {
  await defaultGroup().drain();
})();

async function serve() {
  await stopEverything();
}
async function stopEverything() {
  await shutdown();
}
serve();
