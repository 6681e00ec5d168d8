#!/usr/bin/env node
async function run() {}

(async () => {
  await run();
})();
