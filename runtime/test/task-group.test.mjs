// TaskGroup and the default track(): rejections owned, pending listed, drains bounded.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { TaskGroup, defaultGroup, setCreationSites, track } from '@leakfix/runtime';
import { captureLogs, deferred, sleep } from './helpers.mjs';

let logs;
afterEach(() => logs?.restore());

describe('track', () => {
  test('a rejection is logged with name and stack, counted, and never unhandled', async () => {
    logs = captureLogs();
    const unhandled = [];
    const onUnhandled = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const group = new TaskGroup({ name: 'jobs' });
      const result = group.track(Promise.reject(new Error('disk full')), 'save-report');
      assert.equal(result, undefined, 'track returns nothing, so it is no new floating promise');
      await sleep(10);
      assert.equal(group.rejected, 1);
      assert.equal(group.size, 0);
      const [record] = logs.ops('track');
      assert.equal(record.level, 'error');
      assert.equal(record.task, 'save-report');
      assert.equal(record.group, 'jobs');
      assert.match(record.stack, /Error: disk full\n\s+at /);
      assert.match(record.createdAt, /task-group\.test\.mjs:\d+:\d+/);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('the plain track() export uses the default group', async () => {
    logs = captureLogs();
    const work = deferred();
    track(work.promise, 'default-work');
    assert.deepEqual(defaultGroup().pending().map((entry) => entry.name), ['default-work']);
    work.reject('not an Error');
    await sleep(5);
    assert.equal(defaultGroup().size, 0);
    const [record] = logs.ops('track');
    assert.equal(record.task, 'default-work');
    assert.equal(record.group, 'default');
    assert.equal(record.stack, 'not an Error');
  });

  test('onRejection replaces the log; non-promise values are accepted', async () => {
    logs = captureLogs();
    const seen = [];
    const group = new TaskGroup({ onRejection: (error, rejection) => seen.push([error.message, rejection.name]) });
    group.track(Promise.reject(new Error('x')), 'custom');
    group.track(42, 'plain-value');
    await sleep(5);
    assert.deepEqual(seen, [['x', 'custom']]);
    assert.equal(group.rejected, 1);
    assert.equal(logs.ops('track').length, 0);
  });
});

describe('creation sites', () => {
  test('track() records where each promise was created unless turned off', async () => {
    const group = new TaskGroup();
    const first = deferred();
    const second = deferred();
    group.track(first.promise, 'with-site');
    setCreationSites(false);
    try {
      group.track(second.promise, 'without-site');
    } finally {
      setCreationSites(undefined);
    }
    const [withSite, withoutSite] = group.pending();
    assert.match(withSite.createdAt, /task-group\.test\.mjs:\d+:\d+/);
    assert.match(withoutSite.createdAt, /^unknown \(creation sites are off/);
    first.resolve();
    second.resolve();
    await group.drain();
  });
});

describe('pending and drain', () => {
  test('pending() lists each pending promise with its name and age', async () => {
    const group = new TaskGroup();
    const slow = deferred();
    group.track(slow.promise, 'slow');
    group.track(Promise.resolve(), 'fast');
    await sleep(30);
    const pending = group.pending();
    assert.deepEqual(pending.map((entry) => entry.name), ['slow']);
    assert.ok(pending[0].ageMs >= 25, `age ${pending[0].ageMs}`);
    slow.resolve();
  });

  test('drain waits for pending promises, including ones tracked while draining', async () => {
    const group = new TaskGroup();
    group.track(
      sleep(20).then(() => group.track(sleep(20), 'follow-up')),
      'first',
    );
    const result = await group.drain({ timeoutMs: 1000 });
    assert.deepEqual(result, { settled: 2, timedOut: false, pending: [] });
  });

  test('a drain that times out lists what is pending and aborts go() work', async () => {
    logs = captureLogs();
    const group = new TaskGroup({ name: 'requests' });
    group.go('stream-upload', (signal) => new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    group.track(new Promise(() => undefined), 'never-settles');
    group.track(sleep(5), 'quick');
    const result = await group.drain({ timeoutMs: 40 });
    assert.equal(result.timedOut, true);
    assert.equal(result.settled, 1);
    assert.deepEqual(result.pending.map((entry) => entry.name), ['stream-upload', 'never-settles']);
    assert.ok(result.pending.every((entry) => entry.ageMs >= 35 && /task-group\.test\.mjs/.test(entry.createdAt)));
    const [warning] = logs.ops('drain');
    assert.deepEqual(warning.pending, ['stream-upload', 'never-settles']);
    await sleep(5);
    // The aborted go() work settled; its AbortError-like rejection is a cancellation, not a failure.
    assert.deepEqual(group.pending().map((entry) => entry.name), ['never-settles']);
    assert.equal(group.rejected, 0);
    assert.equal(logs.ops('cancel')[0].task, 'stream-upload');
  });

  test('go() runs its function at once with a live signal; a throw is caught and counted', async () => {
    logs = captureLogs();
    const group = new TaskGroup();
    let signalSeen;
    group.go('sync-throw', (signal) => {
      signalSeen = signal;
      throw new Error('immediate');
    });
    assert.equal(signalSeen.aborted, false);
    await group.drain();
    assert.equal(group.rejected, 1);
    assert.equal(logs.ops('track')[0].task, 'sync-throw');
  });

  test('an empty drain resolves at once; await using drains at scope end', async () => {
    const group = new TaskGroup();
    assert.deepEqual(await group.drain(), { settled: 0, timedOut: false, pending: [] });
    let finished = false;
    {
      const scoped = new TaskGroup();
      scoped.track(sleep(15).then(() => (finished = true)), 'scoped');
      await scoped[Symbol.asyncDispose]();
    }
    assert.equal(finished, true);
  });
});
