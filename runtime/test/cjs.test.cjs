// The CommonJS entry points, and one shared state when an app loads both builds (CJS app code,
// ESM tests): one task registry, one default group, one logger, one leak probe view.
const assert = require('node:assert/strict');
const { test } = require('node:test');
const runtime = require('@leakfix/runtime');
const testing = require('@leakfix/runtime/testing');
// node:test listens for 'unhandledRejection'; this suite checks the runtime's own log (see helpers.mjs).
runtime.setRejectionForwarding(false);

test('require() exposes the whole API', () => {
  for (const name of ['supervise', 'supervisedTasks', 'TaskGroup', 'track', 'defaultGroup', 'shutdown', 'handleShutdownSignals', 'setLogger', 'getLogger']) {
    assert.equal(typeof runtime[name], 'function', name);
  }
  assert.equal(typeof runtime.consoleLogger.error, 'function');
  for (const name of ['leakProbe', 'withLeakProbe', 'LeakError']) assert.equal(typeof testing[name], 'function', name);
  assert.match(require.resolve('@leakfix/runtime'), /dist[\\/]cjs[\\/]index\.js$/);
});

test('the ESM and CJS builds share tasks, the default group and the logger', async () => {
  const esm = await import('@leakfix/runtime');
  const esmTesting = await import('@leakfix/runtime/testing');
  assert.notEqual(esm.supervise, runtime.supervise, 'two module copies are loaded');
  const records = [];
  esm.setLogger({ info: (r) => records.push(r), warn: (r) => records.push(r), error: (r) => records.push(r) });
  try {
    const probe = esmTesting.leakProbe();
    const task = runtime.supervise('cjs-task', () => undefined, { everyMs: 1000 });
    assert.deepEqual(esm.supervisedTasks().map((entry) => entry.name), ['cjs-task']);
    assert.deepEqual(probe.leaks().map((leak) => leak.name), ['cjs-task']);
    assert.equal(esm.defaultGroup(), runtime.defaultGroup());
    await task.stop();
    assert.deepEqual(records.map((r) => [r.op, r.task]), [['exit', 'cjs-task']], 'CJS logs went to the logger set through ESM');
    await probe.check({ timeoutMs: 0 });
  } finally {
    runtime.setLogger(undefined);
  }
});

test('the CJS build has a working supervise and track', async () => {
  const records = [];
  runtime.setLogger({ info: (r) => records.push(r), warn: (r) => records.push(r), error: (r) => records.push(r) });
  try {
    let runs = 0;
    const task = runtime.supervise('cjs-runs', () => { runs++; }, { everyMs: 5, runImmediately: true });
    runtime.track(Promise.reject(new Error('cjs rejection')), 'cjs-promise');
    while (runs < 2 || records.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    await task.stop();
    assert.deepEqual(records.filter((r) => r.op === 'track').map((r) => r.task), ['cjs-promise']);
  } finally {
    runtime.setLogger(undefined);
  }
});
