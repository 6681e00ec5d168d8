// @ts-check
// Supports: Node.js >= 18, Deno, Bun

const { track } = require('@leakfix/runtime');

/**
 * Pushes a heartbeat once.
 */
async function push() {
  await fetch('https://example.com/api/push');
}

track(push(), 'push');
