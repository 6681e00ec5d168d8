/*
 * Webhook relay
 * Copyright (c) Example Ltd. Licensed under the MIT licence.
 */

const { track } = require('@leakfix/runtime');

console.log('relay starting');

async function main() {
  await fetch('http://hooks.local/ready');
}

track(main(), 'main');
