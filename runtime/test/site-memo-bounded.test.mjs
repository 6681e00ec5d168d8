// The per-name creation-site memo is bounded: names built from ids never repeat, and remembering
// each would be a leak in the runtime that is there to stop leaks (issue 13).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { RUNTIME_DIR } from './helpers.mjs';

test('100,000 distinct names leave the heap where 1,000 left it', () => {
  const script = `
    import { TaskGroup, setLogger } from '@leakfix/runtime';
    setLogger({ info() {}, warn() {}, error() {} });
    const group = new TaskGroup();
    const heapAfter = async (count, from) => {
      for (let i = 0; i < count; i++) group.track(Promise.resolve(i), 'job-' + (from + i));
      await group.drain();
      globalThis.gc(); globalThis.gc();
      return process.memoryUsage().heapUsed;
    };
    const small = await heapAfter(1000, 0);
    const large = await heapAfter(100000, 1000);
    console.log(JSON.stringify({ small, large }));
  `;
  const result = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: RUNTIME_DIR, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const { small, large } = JSON.parse(result.stdout);
  // Unbounded, each remembered name keeps an Error with its captured frames (about 30 MB here).
  assert.ok(large - small < 8 * 1024 * 1024, `heap grew by ${((large - small) / 1048576).toFixed(1)} MB`);
});
