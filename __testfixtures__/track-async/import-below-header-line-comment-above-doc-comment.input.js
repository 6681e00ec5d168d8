// @ts-check
// Supports: Node.js >= 18, Deno, Bun
/**
 * Pushes a heartbeat once.
 */
async function push() {
  await fetch('https://example.com/api/push');
}

push();
