// shutdown() is terminal for the process, so this file runs its steps in order in one test
// (node --test gives each file its own process).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskGroup, shutdown, supervise, supervisedTasks, track } from '@leakfix/runtime';
import { captureLogs, deferred, sleep } from './helpers.mjs';

test('shutdown aborts every task at once, waits for all under one deadline, drains every group; it is idempotent and terminal', async () => {
  const logs = captureLogs();
  try {
    const events = [];
    // Each run needs 300 ms after its abort: one after another they would need 900 ms.
    const slowRun = (name) => async ({ signal }) => {
      events.push(`${name} run`);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      events.push(`${name} aborted`);
      await sleep(300);
      events.push(`${name} finished`);
    };
    const first = supervise('first', slowRun('first'), { everyMs: 10_000, runImmediately: true });
    supervise('second', slowRun('second'), { everyMs: 10_000, runImmediately: true });
    supervise('third', slowRun('third'), { everyMs: 10_000, runImmediately: true });
    await sleep(5);
    // Settles only once the tasks are stopped: a drain that ran before the stops would time out.
    track(
      new Promise((resolve) => {
        const wait = () => (first.stopped ? resolve() : setTimeout(wait, 1));
        wait();
      }),
      'after-stop',
    );
    track(
      sleep(100).then(() => events.push('tracked settled')),
      'flush-metrics',
    );
    // Still pending when the tasks are done (~300 ms): the drain waits for it.
    track(sleep(450), 'slow-flush');
    const uploads = new TaskGroup({ name: 'uploads' });
    const upload = deferred();
    uploads.track(upload.promise, 'upload-avatar');
    setTimeout(() => upload.resolve(), 400);

    const shuttingDown = shutdown({ timeoutMs: 700 });
    assert.equal(shutdown({ timeoutMs: 1 }), shuttingDown, 'a second call returns the same shutdown');
    // All three were aborted synchronously, before any was waited for.
    assert.deepEqual(events.filter((event) => event.endsWith('aborted')), []);
    assert.ok(first.stopped);
    const report = await shuttingDown;

    assert.deepEqual(
      report.tasks.map((task) => task.name),
      ['third', 'second', 'first'],
    );
    assert.ok(
      report.tasks.every((task) => task.reason === 'shutdown' && !task.timedOut),
      `all three fit in the 700 ms deadline when aborted together: ${JSON.stringify(report.tasks)}`,
    );
    const order = events.filter((event) => !event.startsWith('tracked'));
    assert.deepEqual(order.slice(0, 3).sort(), ['first run', 'second run', 'third run']);
    assert.deepEqual(order.slice(3, 6).sort(), ['first aborted', 'second aborted', 'third aborted'], 'every abort before any run finished');
    assert.equal(report.drain.timedOut, false);
    assert.ok(report.drain.settled >= 1);
    assert.deepEqual(report.drain.pending, []);
    assert.deepEqual(
      report.groups.map((group) => [group.group, group.timedOut]),
      [
        ['default', false],
        ['uploads', false],
      ],
    );
    assert.equal(uploads.size, 0);
    assert.equal(report.timedOut, false);
    assert.deepEqual(supervisedTasks(), []);

    assert.deepEqual(logs.ops('exit').map((record) => record.reason), ['shutdown', 'shutdown', 'shutdown']);
    assert.equal(logs.ops('shutdown').length, 1);

    assert.equal(await shutdown(), report, 'later calls resolve to the first report');
    assert.equal(logs.ops('exit').length, 3, 'no task exit logged twice');
    assert.equal(logs.ops('shutdown').length, 1);

    const late = supervise('late', () => undefined, { everyMs: 5, runImmediately: true });
    await sleep(20);
    assert.equal(late.runs, 0, 'a task supervised after shutdown never runs');
    assert.deepEqual(await late.stop(), { reason: 'shutdown', timedOut: false });
    assert.match(logs.ops('supervise')[0].msg, /after shutdown began/);
    assert.equal(logs.ops('supervise')[0].level, 'warn');

    track(Promise.resolve(), 'late-write');
    assert.deepEqual(
      logs.ops('track').map((record) => [record.level, record.task]),
      [['warn', 'late-write']],
    );
    let called = false;
    new TaskGroup().go('late-go', () => void (called = true));
    assert.equal(called, false, 'go() after shutdown does not start the work');
    assert.equal(logs.ops('go')[0].level, 'warn');
  } finally {
    logs.restore();
  }
});
