// Builds dist/esm and dist/cjs with the workspace's own TypeScript (resolved, not the `tsc` on
// PATH: the oldest supported TypeScript is installed next to it under an alias and links a `tsc` too).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
for (const config of ['tsconfig.esm.json', 'tsconfig.cjs.json']) {
  const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: new URL('..', import.meta.url), stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
await import('./mark-formats.mjs');
