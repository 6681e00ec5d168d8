// TaskGroup and the default track(): rejections owned, pending listed, drains bounded.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { TaskGroup, defaultGroup, setCreationSites, track } from '@leakfix/runtime';
import { leakProbe } from '@leakfix/runtime/testing';
import { captureLogs, deferred, flush, sleep } from './helpers.mjs';

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

// The pending list, the registry and the lazy creation site behind the cheap track() (issue 13).
describe('the pending list', () => {
  const names = (entries) => entries.map((entry) => entry.name);

  test('pending() stays oldest first when promises at either end and in the middle settle', async () => {
    logs = captureLogs();
    const group = new TaskGroup();
    const works = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, ...deferred() }));
    for (const work of works) group.track(work.promise, work.name);
    assert.deepEqual(names(group.pending()), ['a', 'b', 'c', 'd', 'e']);
    works[2].resolve();
    works[0].resolve();
    await flush();
    assert.deepEqual(names(group.pending()), ['b', 'd', 'e']);
    works[4].reject(new Error('newest failed'));
    await flush();
    assert.deepEqual(names(group.pending()), ['b', 'd']);
    const late = deferred();
    group.track(late.promise, 'f');
    assert.deepEqual(names(group.pending()), ['b', 'd', 'f']);
    assert.equal(group.size, 3);
    works[1].resolve();
    works[3].resolve();
    late.resolve();
    await flush();
    assert.deepEqual(group.pending(), []);
    assert.equal(group.size, 0);
    assert.equal(group.rejected, 1);
    assert.equal(logs.ops('track')[0].task, 'e');
  });

  test('a group drained after many track()s counts every settle, leaves nothing behind and registers again when tracked anew', async () => {
    logs = captureLogs();
    const group = new TaskGroup({ name: 'many' });
    const works = [];
    for (let index = 0; index < 1000; index++) {
      const work = deferred();
      works.push(work);
      group.track(work.promise, `work-${index}`);
    }
    assert.equal(group.size, 1000);
    const drained = group.drain({ timeoutMs: 5000 });
    // Settle in a scrambled order (a stride coprime to 1000), every tenth one rejecting.
    for (let step = 0; step < 1000; step++) {
      const index = (step * 337) % 1000;
      if (index % 10 === 0) works[index].reject(new Error(`failed ${index}`));
      else works[index].resolve(index);
    }
    assert.deepEqual(await drained, { settled: 1000, timedOut: false, pending: [] });
    assert.equal(group.size, 0);
    assert.equal(group.rejected, 100);
    assert.deepEqual(group.pending(), []);
    assert.equal(logs.ops('track').length, 100);
    const probe = leakProbe();
    const again = deferred();
    group.track(again.promise, 'tracked-anew');
    assert.deepEqual(
      probe.leaks().map((leak) => [leak.kind, leak.name]),
      [['promise', 'tracked-anew']],
      'an emptied group is registered again by its next track(), so the leak probe sees it',
    );
    again.resolve();
    await flush();
    assert.deepEqual(probe.leaks(), []);
    probe.dispose();
  });

  test('the default group, once empty, still shows a new pending promise to the probe and to shutdown-style drains', async () => {
    await defaultGroup().drain();
    const probe = leakProbe();
    assert.deepEqual(probe.leaks(), []);
    const work = deferred();
    track(work.promise, 'default-anew');
    assert.deepEqual(probe.leaks().map((leak) => leak.name), ['default-anew']);
    const drained = defaultGroup().drain({ timeoutMs: 1000 });
    work.resolve();
    assert.deepEqual(await drained, { settled: 1, timedOut: false, pending: [] });
    assert.deepEqual(probe.leaks(), []);
    probe.dispose();
  });

  test('a thenable that calls back more than once is heard once', async () => {
    logs = captureLogs();
    class Chatty extends Promise {
      then(onFulfilled, onRejected) {
        onFulfilled?.('first');
        onFulfilled?.('again');
        onRejected?.(new Error('too late'));
        return super.then(onFulfilled, onRejected);
      }
    }
    const group = new TaskGroup();
    const other = deferred();
    group.track(other.promise, 'other');
    group.track(new Chatty((resolve) => resolve('value')), 'chatty');
    await flush();
    assert.equal(group.size, 1);
    assert.equal(group.rejected, 0);
    assert.deepEqual(logs.ops('track'), []);
    assert.deepEqual(names(group.pending()), ['other']);
    other.resolve();
    assert.deepEqual(await group.drain(), { settled: 1, timedOut: false, pending: [] });
  });
});

describe('creation sites of tracked promises', () => {
  /** The line of the caller of lineHere(), so an assertion can name the line of a track() call. */
  function lineHere() {
    return Number(/:(\d+):\d+\)?\s*$/.exec(new Error().stack.split('\n')[2])[1]);
  }

  test('with sites on, createdAt is the line of the track(), group.track() or go() call, read late', async () => {
    setCreationSites(true);
    try {
      const group = new TaskGroup();
      const work = deferred();
      const trackLine = lineHere(); track(work.promise, 'plain');
      const groupLine = lineHere(); group.track(work.promise, 'grouped');
      const goLine = lineHere(); group.go('started', () => work.promise);
      function trackingHelper() {
        group.track(work.promise, 'from-helper');
        return lineHere() - 1;
      }
      const helperLine = trackingHelper();
      const site = (name) => [...defaultGroup().pending(), ...group.pending()].find((entry) => entry.name === name).createdAt;
      assert.match(site('plain'), new RegExp(`task-group\\.test\\.mjs:${trackLine}:\\d+`));
      assert.match(site('grouped'), new RegExp(`task-group\\.test\\.mjs:${groupLine}:\\d+`));
      assert.match(site('started'), new RegExp(`task-group\\.test\\.mjs:${goLine}:\\d+`));
      assert.match(site('from-helper'), new RegExp(`^trackingHelper \\(.*task-group\\.test\\.mjs:${helperLine}:\\d+\\)$`));
      assert.doesNotMatch(site('plain'), /runtime[\\/]dist[\\/]/);
      work.resolve();
      await group.drain();
      await defaultGroup().drain();
    } finally {
      setCreationSites(undefined);
    }
  });

  test('a rejection log names the line of the track() call', async () => {
    logs = captureLogs();
    setCreationSites(true);
    try {
      const group = new TaskGroup({ name: 'sites' });
      const line = lineHere(); group.track(Promise.reject(new Error('boom')), 'rejects');
      await flush();
      const [record] = logs.ops('track');
      assert.match(record.createdAt, new RegExp(`task-group\\.test\\.mjs:${line}:\\d+`));
      assert.match(record.stack, /Error: boom/);
    } finally {
      setCreationSites(undefined);
    }
  });

  test("track() leaves Error.stackTraceLimit as the app set it, and still finds the caller's line when the app set it to 0", async () => {
    const saved = Error.stackTraceLimit;
    setCreationSites(true);
    try {
      const group = new TaskGroup();
      const work = deferred();
      const line = lineHere(); Error.stackTraceLimit = 0; group.track(work.promise, 'limit-zero');
      assert.equal(Error.stackTraceLimit, 0);
      Error.stackTraceLimit = 25;
      group.track(work.promise, 'limit-25');
      assert.equal(Error.stackTraceLimit, 25);
      Error.stackTraceLimit = saved;
      assert.match(group.pending()[0].createdAt, new RegExp(`task-group\\.test\\.mjs:${line}:\\d+`));
      work.resolve();
      await group.drain();
    } finally {
      Error.stackTraceLimit = saved;
      setCreationSites(undefined);
    }
  });
});

// The default mode (issue 13): a stack walk costs microseconds, so the calls of one name share the
// stack of its first call, re-checked on a sample of calls.
describe("creation sites per name (the default outside production)", () => {
  function lineHere() {
    return Number(/:(\d+):\d+\)?\s*$/.exec(new Error().stack.split('\n')[2])[1]);
  }
  const siteLine = (entry) => Number(/:(\d+):\d+\)?$/.exec(entry.createdAt)[1]);
  let group;
  let work;
  const start = (mode) => {
    setCreationSites(mode);
    group = new TaskGroup();
    work = deferred();
  };
  afterEach(async () => {
    setCreationSites(undefined);
    work.resolve();
    await group.drain();
  });
  // Unique per test: the memo is process-wide.
  let names = 0;
  const freshName = () => `per-name-${names++}`;

  test('later calls of a name from the same line share its first stack, and name that line', () => {
    start(undefined);
    const name = freshName();
    let line;
    for (let i = 0; i < 100; i++) {
      line = lineHere(); group.track(work.promise, name);
    }
    const lines = new Set(group.pending().map(siteLine));
    assert.deepEqual([...lines], [line]);
  });

  test('a call between checks reuses the memo: a name used in a second place is not re-walked on every call', () => {
    start('per-name');
    const name = freshName();
    // Calls 2, 3 and 4 of a name are checked (same line: the memo holds); the 5th is not, so from
    // another line it still shows the first.
    const firstLine = lineHere() + 1;
    for (let i = 0; i < 4; i++) group.track(work.promise, name);
    const fifthLine = lineHere(); group.track(work.promise, name);
    assert.notEqual(fifthLine, firstLine);
    assert.equal(siteLine(group.pending()[4]), firstLine);
  });

  test('a name found used in a second place captures on every call from then on, in both places', () => {
    start('per-name');
    const name = freshName();
    const firstLine = lineHere(); group.track(work.promise, name);
    const secondLine = lineHere(); group.track(work.promise, name); // call 2 is checked: another line
    for (let i = 0; i < 10; i++) {
      group.track(work.promise, name);
      group.track(work.promise, name);
    }
    const [first, second, ...rest] = group.pending();
    assert.equal(siteLine(first), firstLine);
    assert.equal(siteLine(second), secondLine);
    const loopLine = secondLine + 2;
    assert.deepEqual(
      rest.map(siteLine),
      rest.map((_, index) => loopLine + (index % 2)),
      'after the second place is found, each call names its own line',
    );
  });

  test('a name used in a second place from call 64 on is found within 64 calls', () => {
    start('per-name');
    const name = freshName();
    for (let i = 0; i < 70; i++) group.track(work.promise, name);
    const otherLine = lineHere() + 1;
    for (let i = 0; i < 64; i++) group.track(work.promise, name);
    const fromOther = group.pending().slice(70);
    const wrong = fromOther.filter((entry) => siteLine(entry) !== otherLine).length;
    assert.ok(wrong < 64, `${wrong} of 64 calls named the first place`);
    assert.equal(siteLine(fromOther.at(-1)), otherLine, 'found: the last call names its own line');
  });

  test('unnamed calls, and every call while a leak probe watches, capture their own line', () => {
    start('per-name');
    const name = freshName();
    const unnamedLine = lineHere(); group.track(work.promise);
    const otherUnnamedLine = lineHere(); group.track(work.promise);
    for (let i = 0; i < 4; i++) group.track(work.promise, name); // calls 1-4 (2-4 checked, same line)
    const probe = leakProbe();
    let probedLine;
    try {
      probedLine = lineHere(); group.track(work.promise, name); // call 5: not a checked call
    } finally {
      probe.dispose();
    }
    group.track(work.promise, name); // call 6, after the probe: the memo again
    const entries = group.pending();
    assert.equal(siteLine(entries[0]), unnamedLine);
    assert.equal(siteLine(entries[1]), otherUnnamedLine);
    assert.equal(siteLine(entries[6]), probedLine);
    assert.equal(siteLine(entries[7]), siteLine(entries[2]), 'after the probe, call 6 shares the memo of call 1');
  });

  test('go() and the default track() share the memo rules', async () => {
    start('per-name');
    const name = freshName();
    const goLine = lineHere(); group.go(name, () => work.promise);
    const trackLine = lineHere(); track(work.promise, name); // call 2 of the name: checked, another line
    const trackEntry = defaultGroup().pending().find((entry) => entry.name === name);
    assert.equal(siteLine(group.pending()[0]), goLine);
    assert.equal(siteLine(trackEntry), trackLine);
    work.resolve();
    await defaultGroup().drain();
  });

  test("an Error.prepareStackTrace that throws or returns call sites breaks no track() and no report", () => {
    start('per-name');
    const saved = Error.prepareStackTrace;
    const name = freshName();
    try {
      Error.prepareStackTrace = () => {
        throw new Error('prepareStackTrace failed');
      };
      for (let i = 0; i < 5; i++) group.track(work.promise, name); // calls 2-4 read stacks to compare
      assert.deepEqual(group.pending().map((entry) => entry.createdAt), Array(5).fill('unknown location'));
      Error.prepareStackTrace = (_error, callSites) => callSites;
      group.track(work.promise, freshName());
      assert.equal(group.pending()[5].createdAt, 'unknown location');
      Error.prepareStackTrace = saved;
      // The unreadable memo proved nothing: the name records each call's own line from then on.
      const ownLine = lineHere(); group.track(work.promise, name);
      assert.equal(siteLine(group.pending()[6]), ownLine);
    } finally {
      Error.prepareStackTrace = saved;
    }
  });

  test('setCreationSites() refuses a mode it does not know', () => {
    start(undefined);
    assert.throws(() => setCreationSites('sometimes'), { name: 'TypeError', message: /true, false, 'per-name' or undefined, got 'sometimes'/ });
    assert.throws(() => setCreationSites(1), TypeError);
  });
});
