// What the per-name creation-site memo keeps (issue 13): names built from ids never repeat, and
// remembering each, or the objects of the call that named it, would be a leak in the runtime that
// is there to stop leaks. Child processes, for a clean heap and --expose-gc.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { RUNTIME_DIR } from './helpers.mjs';

function run(script) {
  const result = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: RUNTIME_DIR, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('100,000 distinct names leave the heap where 1,000 left it', () => {
  const { small, large } = run(`
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
  `);
  assert.ok(large - small < 8 * 1024 * 1024, `heap grew by ${((large - small) / 1048576).toFixed(1)} MB`);
});

test('once their promises settle, the objects whose methods called track() can be collected', () => {
  // An unformatted V8 stack holds each frame's function and receiver: a memo must not keep one.
  const { alive, total } = run(`
    import { TaskGroup, setLogger } from '@leakfix/runtime';
    setLogger({ info() {}, warn() {}, error() {} });
    const group = new TaskGroup();
    class Upload {
      constructor(id) { this.id = id; this.buffer = new Uint8Array(1 << 20); }
      save() { group.track(Promise.resolve(), 'Upload.save:' + this.id); }
      retry() { group.track(Promise.resolve(), 'Upload.retry'); }
    }
    const refs = [];
    // In a function of its own: a loop's last object may stay in the frame that ran it.
    function startUploads() {
      for (let i = 0; i < 50; i++) {
        const upload = new Upload(i);
        upload.save();  // a name called once
        upload.retry(); // a name called 50 times
        refs.push(new WeakRef(upload));
      }
    }
    startUploads();
    await group.drain();
    await new Promise((resolve) => setTimeout(resolve, 10));
    globalThis.gc(); globalThis.gc();
    console.log(JSON.stringify({ alive: refs.filter((ref) => ref.deref() !== undefined).length, total: refs.length }));
  `);
  assert.equal(alive, 0, `${alive} of ${total} objects are still alive`);
});
