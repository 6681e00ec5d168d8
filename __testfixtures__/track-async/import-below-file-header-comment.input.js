/*
 * Webhook relay
 * Copyright (c) Example Ltd. Licensed under the MIT licence.
 */
console.log('relay starting');

async function main() {
  await fetch('http://hooks.local/ready');
}

main();
