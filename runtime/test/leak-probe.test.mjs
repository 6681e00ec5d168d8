// The leak probe from @leakfix/runtime/testing, used the way a node:test suite would use it.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TaskGroup, supervise } from '@leakfix/runtime';
import { LeakError, leakProbe, withLeakProbe } from '@leakfix/runtime/testing';
import { captureLogs, deferred, runChild, waitFor } from './helpers.mjs';

let logs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('process resources', () => {
  test('fails on a leaked setInterval, and passes once it is cleared', async () => {
    const probe = leakProbe();
    const interval = setInterval(() => undefined, 1000);
    const error = await probe.check({ timeoutMs: 50 }).then(
      () => assert.fail('the probe missed a leaked setInterval'),
      (caught) => caught,
    );
    assert.ok(error instanceof LeakError);
    assert.deepEqual(
      error.leaks.map((leak) => [leak.kind, leak.name, leak.count]),
      [['resource', 'Timeout', 1]],
    );
    assert.match(error.message, /^1 leak after waiting \d+ ms:\n {2}- Timeout: ref'd setTimeout\/setInterval never cleared/);
    clearInterval(interval);
    await probe.check();
  });

  test("ignores unref'd handles: Node lists only ref'd timers and handles", async () => {
    const probe = leakProbe();
    const interval = setInterval(() => undefined, 1000).unref();
    const server = createServer().listen(0);
    server.unref();
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      await probe.check({ timeoutMs: 0 });
    } finally {
      clearInterval(interval);
      server.close();
    }
  });

  test('polls until the deadline, so an async close can finish', async () => {
    const probe = leakProbe();
    const server = createServer().listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    assert.deepEqual(
      probe.leaks().map((leak) => leak.name),
      ['TCPServerWrap'],
    );
    server.close(); // not awaited: the handle goes away a little later
    await probe.check({ timeoutMs: 500 });
  });

  test('counts by type: one leaked timer among cleared ones is still found', async () => {
    const probe = leakProbe();
    const kept = setTimeout(() => undefined, 10_000);
    for (let index = 0; index < 3; index++) clearTimeout(setTimeout(() => undefined, 10_000));
    assert.deepEqual(
      probe.leaks().map((leak) => [leak.name, leak.count]),
      [['Timeout', 1]],
    );
    clearTimeout(kept);
    assert.deepEqual(probe.leaks(), []);
  });
});

describe('resources watched since the probe (Node >= 20.16)', () => {
  test('a leak is found even when an older timer goes away meanwhile, and says where it was created', async () => {
    const older = setTimeout(() => undefined, 10_000);
    const probe = leakProbe();
    clearTimeout(older); // the Timeout count is back where it was...
    const leaked = setInterval(() => undefined, 1000); // ...though this one leaks
    try {
      const [leak, ...others] = probe.leaks();
      assert.deepEqual(others, []);
      assert.equal(leak.name, 'Timeout');
      assert.match(leak.createdAt, /leak-probe\.test\.mjs:\d+:\d+/);
      assert.match(leak.description, /created at .*leak-probe\.test\.mjs/);
    } finally {
      clearInterval(leaked);
      probe.dispose();
    }
  });

  test('a leaked server is reported with the line that started it', async () => {
    const probe = leakProbe();
    const server = createServer().listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const error = await probe.check({ timeoutMs: 20 }).catch((caught) => caught);
    server.close();
    assert.ok(error instanceof LeakError);
    assert.match(error.message, /TCPServerWrap: listening server \(call close\(\)\), created at .*leak-probe\.test\.mjs:\d+/);
  });
});

describe('runtime registries', () => {
  test('reports a supervised task not stopped, by name and creation site, not also as a Timeout', async () => {
    const probe = leakProbe();
    const task = supervise('orphan-poller', () => undefined, { everyMs: 1000 });
    const error = await probe.check({ timeoutMs: 30 }).catch((caught) => caught);
    assert.ok(error instanceof LeakError);
    assert.equal(error.leaks.length, 1);
    const [leak] = error.leaks;
    assert.equal(leak.kind, 'task');
    assert.equal(leak.name, 'orphan-poller');
    assert.match(leak.createdAt, /leak-probe\.test\.mjs:\d+:\d+/);
    assert.match(error.message, /supervised task "orphan-poller" not stopped, created at .*leak-probe\.test\.mjs/);
    await task.stop();
    await probe.check();
  });

  test("reports an unref'd supervised task too: it still runs after the test", async () => {
    const probe = leakProbe();
    const task = supervise('quiet-poller', () => undefined, { everyMs: 1000, unref: true });
    assert.deepEqual(
      probe.leaks().map((leak) => [leak.kind, leak.name]),
      [['task', 'quiet-poller']],
    );
    await task.stop();
    assert.deepEqual(probe.leaks(), []);
  });

  test('reports a task whose stop timed out until its last run settles', async () => {
    const probe = leakProbe();
    const run = deferred();
    const task = supervise('slow-stop', () => run.promise, { everyMs: 5 });
    await waitFor(() => task.running);
    assert.equal((await task.stop({ timeoutMs: 5 })).timedOut, true);
    assert.match(probe.leaks()[0].description, /"slow-stop" stopped, but its last run is still in flight/);
    run.resolve();
    await probe.check();
  });

  test('reports tracked promises still pending, with group, age and creation site', async () => {
    const probe = leakProbe();
    const group = new TaskGroup({ name: 'uploads' });
    const upload = deferred();
    group.track(upload.promise, 'upload-avatar');
    const error = await probe.check({ timeoutMs: 20 }).catch((caught) => caught);
    assert.ok(error instanceof LeakError);
    assert.deepEqual(
      error.leaks.map((leak) => [leak.kind, leak.name]),
      [['promise', 'upload-avatar']],
    );
    assert.match(error.message, /tracked promise "upload-avatar" \(group uploads\) still pending after \d+ ms, created at .*leak-probe\.test\.mjs/);
    upload.resolve();
    await probe.check();
  });

  test('what existed before the probe is not blamed on the test', async () => {
    const before = supervise('pre-existing', () => undefined, { everyMs: 1000 });
    const interval = setInterval(() => undefined, 1000);
    try {
      const probe = leakProbe();
      await probe.check({ timeoutMs: 0 });
    } finally {
      clearInterval(interval);
      await before.stop();
    }
  });
});

describe('withLeakProbe', () => {
  test('wraps a test body and returns its result', async () => {
    assert.equal(await withLeakProbe(async () => 42), 42);
    await assert.rejects(
      withLeakProbe(() => {
        globalThis.leakedForTest = setInterval(() => undefined, 1000);
      }, { timeoutMs: 20 }),
      LeakError,
    );
    clearInterval(globalThis.leakedForTest);
  });

  test('ignoreTypes leaves a resource type out of the report', async () => {
    const probe = leakProbe({ ignoreTypes: ['Timeout'] });
    const interval = setInterval(() => undefined, 1000);
    try {
      await probe.check({ timeoutMs: 0 });
    } finally {
      clearInterval(interval);
    }
  });
});

describe('false positives (issue 13)', () => {
  test('the first write to a piped stderr (as in CI) is not blamed on the test', async () => {
    const result = await runChild(`
      const { leakProbe } = await import('@leakfix/runtime/testing');
      const probe = leakProbe();
      console.error('first write to the piped stderr');
      await probe.check({ timeoutMs: 50 });
      console.log('clean');
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /clean/);
  });

  test('a task mid-stop is reported once, by name, not also as a bare Timeout', async () => {
    const probe = leakProbe();
    const run = deferred();
    const task = supervise('mid-stop', () => run.promise, { everyMs: 5 });
    await waitFor(() => task.running);
    const stopping = task.stop({ timeoutMs: 2000 });
    try {
      assert.deepEqual(
        probe.leaks().map((leak) => [leak.kind, leak.name]),
        [['task', 'mid-stop']],
      );
    } finally {
      run.resolve();
      await stopping;
      probe.dispose();
    }
  });

  test('withLeakProbe disables its async hook when fn throws', async () => {
    const hooks = process.getBuiltinModule('node:async_hooks');
    const original = hooks.createHook;
    let enabled = 0;
    hooks.createHook = (callbacks) => {
      const hook = original(callbacks);
      return {
        enable() {
          enabled++;
          hook.enable();
          return this;
        },
        disable() {
          enabled--;
          hook.disable();
          return this;
        },
      };
    };
    try {
      await assert.rejects(
        withLeakProbe(() => {
          throw new Error('test failed');
        }),
        /test failed/,
      );
      assert.equal(enabled, 0, 'no async hook left enabled');
    } finally {
      hooks.createHook = original;
    }
  });
});

describe('goleak-style options (issue 13)', () => {
  test('ignoreCreationSites leaves out leaks created from a matching stack', async () => {
    function startBackgroundFlusher() {
      return setInterval(() => undefined, 1000);
    }
    const probe = leakProbe({ ignoreCreationSites: [/startBackgroundFlusher/] });
    const ignored = startBackgroundFlusher();
    const reported = setInterval(() => undefined, 1000);
    try {
      assert.deepEqual(
        probe.leaks().map((leak) => [leak.name, leak.count]),
        [['Timeout', 1]],
      );
    } finally {
      clearInterval(ignored);
      clearInterval(reported);
      probe.dispose();
    }
  });

  test('ignoreCurrent: false reports what already existed (default: only what is new)', async () => {
    const before = supervise('pre-existing', () => undefined, { everyMs: 1000 });
    try {
      assert.deepEqual(leakProbe().leaks(), []);
      const strict = leakProbe({ ignoreCurrent: false });
      assert.ok(strict.leaks().some((leak) => leak.kind === 'task' && leak.name === 'pre-existing'));
      strict.dispose();
    } finally {
      await before.stop();
    }
  });

  test('the report names the test, and creation sites are never a runtime frame', async () => {
    const probe = leakProbe({ testName: 'uploads resume' });
    const group = new TaskGroup({ name: 'uploads' });
    const pending = deferred();
    group.go('resume', () => pending.promise);
    const task = supervise('resumer', () => undefined, { everyMs: 1000 });
    const error = await probe.check({ timeoutMs: 0 }).catch((caught) => caught);
    pending.resolve();
    await task.stop();
    assert.ok(error instanceof LeakError);
    assert.equal(error.test, 'uploads resume');
    assert.match(error.message, /^2 leaks in test "uploads resume"/);
    for (const leak of error.leaks) {
      assert.equal(leak.test, 'uploads resume');
      assert.match(leak.createdAt, /leak-probe\.test\.mjs:\d+:\d+/);
      assert.doesNotMatch(leak.createdAt, /runtime[\\/]dist[\\/]/);
    }
  });
});
