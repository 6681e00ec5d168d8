// shutdown() is terminal for the process, so this file runs its steps in order in one test
// (node --test gives each file its own process).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shutdown, supervise, supervisedTasks, track } from '@leakfix/runtime';
import { captureLogs, sleep } from './helpers.mjs';

test('shutdown stops tasks in reverse start order, then drains the default group; it is idempotent', async () => {
  const logs = captureLogs();
  try {
    const events = [];
    const slowRun = (name) => async ({ signal }) => {
      events.push(`${name} run`);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      events.push(`${name} aborted`);
      await sleep(10);
      events.push(`${name} finished`);
    };
    const first = supervise('first', slowRun('first'), { everyMs: 10_000, runImmediately: true });
    supervise('second', slowRun('second'), { everyMs: 10_000, runImmediately: true });
    supervise('third', () => undefined, { everyMs: 10_000 });
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

    const shuttingDown = shutdown({ timeoutMs: 1000 });
    assert.equal(shutdown({ timeoutMs: 1 }), shuttingDown, 'a second call returns the same shutdown');
    const report = await shuttingDown;

    assert.deepEqual(
      report.tasks.map((task) => task.name),
      ['third', 'second', 'first'],
    );
    assert.ok(report.tasks.every((task) => task.reason === 'shutdown' && !task.timedOut));
    // Each task is stopped and waited for before the previous one is aborted.
    assert.deepEqual(
      events.filter((event) => !event.startsWith('tracked')),
      ['first run', 'second run', 'second aborted', 'second finished', 'first aborted', 'first finished'],
    );
    assert.equal(report.drain.timedOut, false);
    assert.ok(report.drain.settled >= 1);
    assert.deepEqual(report.drain.pending, []);
    assert.equal(events.at(-1), 'tracked settled');
    assert.equal(report.timedOut, false);
    assert.deepEqual(supervisedTasks(), []);

    assert.deepEqual(
      logs.ops('exit').map((record) => [record.task, record.reason]),
      [
        ['third', 'shutdown'],
        ['second', 'shutdown'],
        ['first', 'shutdown'],
      ],
    );
    assert.equal(logs.ops('shutdown').length, 1);

    assert.equal(await shutdown(), report, 'later calls resolve to the first report');
    assert.equal(logs.ops('exit').length, 3, 'no task exit logged twice');
    assert.equal(logs.ops('shutdown').length, 1);

    const late = supervise('late', () => undefined, { everyMs: 5, runImmediately: true });
    await sleep(20);
    assert.equal(late.runs, 0, 'a task supervised after shutdown never runs');
    assert.deepEqual(await late.stop(), { reason: 'shutdown', timedOut: false });
  } finally {
    logs.restore();
  }
});
