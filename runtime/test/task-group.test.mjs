// TaskGroup and the default track(): rejections owned, pending listed, drains bounded.
import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
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
// line of its second call; calls 3 and 4 are checked, then 1 call in 64 at random (Math.random is
// mocked where a test needs to know whether a call is checked).
describe('creation sites per name (the default outside production)', () => {
  function lineHere() {
    return Number(/:(\d+):\d+\)?\s*$/.exec(new Error().stack.split('\n')[2])[1]);
  }
  const siteLine = (entry) => Number(/:(\d+):\d+\)?$/.exec(entry.createdAt)[1]);
  const NEVER_CHECKED = () => 0.99;
  const ALWAYS_CHECKED = () => 0;
  let group;
  let work;
  const start = (mode) => {
    setCreationSites(mode);
    group = new TaskGroup();
    work = deferred();
  };
  afterEach(async () => {
    mock.restoreAll();
    setCreationSites(undefined);
    work.resolve();
    await group.drain();
  });
  // Unique per test: the memo is process-wide.
  let names = 0;
  const freshName = () => `per-name-${names++}`;
  /** Calls 1-4 of `name` from one line (call 2 becomes the memo, 3 and 4 are checked against it); that line. */
  const fourCallsFromOneLine = (name) => {
    const line = lineHere() + 1;
    for (let i = 0; i < 4; i++) group.track(work.promise, name);
    return line;
  };

  test('is the default: a later call of a name from another line shows the line of its first ones', () => {
    const saved = process.env.NODE_ENV;
    delete process.env.NODE_ENV;
    try {
      start(undefined);
      mock.method(Math, 'random', NEVER_CHECKED);
      const name = freshName();
      const firstLine = fourCallsFromOneLine(name);
      group.track(work.promise, name); // call 5, not checked
      assert.equal(siteLine(group.pending()[4]), firstLine);
      process.env.NODE_ENV = 'production';
      setCreationSites(undefined); // NODE_ENV is read again
      group.track(work.promise, name);
      assert.match(group.pending()[5].createdAt, /^unknown \(creation sites are off/);
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
      setCreationSites(undefined);
    }
  });

  test('later calls of a name from the same line share its line', () => {
    start('per-name');
    const name = freshName();
    let line;
    for (let i = 0; i < 200; i++) {
      line = lineHere(); group.track(work.promise, name);
    }
    assert.deepEqual([...new Set(group.pending().map(siteLine))], [line]);
  });

  test('a name found used in a second place records every call in both places from then on', () => {
    start('per-name');
    const name = freshName();
    const firstLine = fourCallsFromOneLine(name);
    mock.method(Math, 'random', ALWAYS_CHECKED);
    const secondLine = lineHere(); group.track(work.promise, name); // call 5, checked: another line
    mock.method(Math, 'random', NEVER_CHECKED);
    for (let i = 0; i < 10; i++) {
      group.track(work.promise, name);
      group.track(work.promise, name);
    }
    const entries = group.pending();
    assert.deepEqual(entries.slice(0, 4).map(siteLine), [firstLine, firstLine, firstLine, firstLine]);
    assert.equal(siteLine(entries[4]), secondLine);
    const loopLine = secondLine + 3;
    assert.deepEqual(entries.slice(5).map(siteLine), entries.slice(5).map((_, index) => loopLine + (index % 2)));
  });

  test('calls 3 and 4 are always checked: a name used in two places from the start is found at once', () => {
    start('per-name');
    mock.method(Math, 'random', NEVER_CHECKED);
    const name = freshName();
    const lines = [];
    for (let i = 0; i < 3; i++) {
      lines.push(lineHere()); group.track(work.promise, name);
      lines.push(lineHere()); group.track(work.promise, name);
    }
    assert.deepEqual(group.pending().map(siteLine), lines);
  });

  test('a second place is found whatever its rhythm, even one in step with a power of two', () => {
    start('per-name');
    const name = freshName();
    fourCallsFromOneLine(name);
    const firstPlaceLine = lineHere() + 1;
    const fromFirst = () => group.track(work.promise, name);
    const otherLine = lineHere() + 1;
    const fromOther = () => group.track(work.promise, name);
    // 2,000 calls from the other place, each the 64th: checked 1 in 64 at random, it stays unfound
    // with a chance of (63/64)^2000, about 2e-14.
    for (let i = 0; i < 2000 * 64; i++) (i % 64 === 37 ? fromOther : fromFirst)();
    const entries = group.pending();
    assert.equal(siteLine(entries.at(-27)), otherLine, 'the last call from the other place names its own line');
    assert.equal(siteLine(entries.at(-1)), firstPlaceLine, 'and the calls from the first place name theirs');
  });

  test('unnamed calls, and every call while a leak probe watches, record their own line', () => {
    start('per-name');
    mock.method(Math, 'random', NEVER_CHECKED);
    const name = freshName();
    const unnamedLines = [];
    for (let i = 0; i < 6; i++) {
      unnamedLines.push(lineHere()); group.track(work.promise);
    }
    const firstLine = fourCallsFromOneLine(name);
    const probe = leakProbe();
    let probedLine;
    try {
      probedLine = lineHere(); group.track(work.promise, name); // call 5: not checked
    } finally {
      probe.dispose();
    }
    group.track(work.promise, name); // call 6, after the probe: the memo again
    const entries = group.pending();
    assert.deepEqual(entries.slice(0, 6).map(siteLine), unnamedLines);
    assert.equal(siteLine(entries[10]), probedLine);
    assert.equal(siteLine(entries[11]), firstLine, 'after the probe, call 6 shares the memo');
  });

  test('a name found in two places stays so after 1,500 newer names fill the memo', () => {
    start('per-name');
    const name = freshName();
    fourCallsFromOneLine(name);
    mock.method(Math, 'random', ALWAYS_CHECKED);
    group.track(work.promise, name); // call 5 from another line: found
    mock.method(Math, 'random', NEVER_CHECKED);
    for (let i = 0; i < 1500; i++) group.track(work.promise, freshName());
    const line = lineHere(); group.track(work.promise, name);
    assert.equal(siteLine(group.pending().at(-1)), line);
  });

  test('go() and the default track() go through the same memo', async () => {
    start('per-name');
    mock.method(Math, 'random', NEVER_CHECKED);
    const name = freshName();
    const goLine = lineHere(); group.go(name, () => work.promise);
    const trackLine = lineHere(); track(work.promise, name); // call 2: becomes the memo
    const thirdLine = lineHere(); group.go(name, () => work.promise); // call 3, checked: another line
    const trackEntry = defaultGroup().pending().find((entry) => entry.name === name);
    assert.deepEqual(group.pending().map(siteLine), [goLine, thirdLine]);
    assert.equal(siteLine(trackEntry), trackLine);
    work.resolve();
    await defaultGroup().drain();
  });

  test('an Error.prepareStackTrace that throws or returns call sites breaks no track() and no report', () => {
    start('per-name');
    const saved = Error.prepareStackTrace;
    const name = freshName();
    try {
      Error.prepareStackTrace = () => {
        throw new Error('prepareStackTrace failed');
      };
      for (let i = 0; i < 5; i++) group.track(work.promise, name); // calls 2-4 read stacks
      assert.deepEqual(group.pending().map((entry) => entry.createdAt), Array(5).fill('unknown location'));
      Error.prepareStackTrace = (_error, callSites) => callSites;
      group.track(work.promise, freshName());
      assert.equal(group.pending()[5].createdAt, 'unknown location');
      Error.prepareStackTrace = saved;
      // The unreadable line proved nothing: the name records each call's own line from then on.
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
