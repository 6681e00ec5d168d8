// supervise(): behaviour with real timers (short intervals) where timing is the point, mock timers
// where exact counts are.
import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
import { supervise, supervisedTasks } from '@leakfix/runtime';
import { captureLogs, deferred, flush, sleep, waitFor } from './helpers.mjs';

let logs;
const started = [];
function track(task) {
  started.push(task);
  return task;
}

afterEach(async () => {
  mock.timers.reset();
  await Promise.all(started.splice(0).map((task) => task.stop({ timeoutMs: 100 })));
  logs?.restore();
  logs = undefined;
});

describe('no overlap', () => {
  test('a slow async run never overlaps the next one (real timers)', async () => {
    logs = captureLogs();
    let inFlight = 0;
    let maxInFlight = 0;
    const task = track(
      supervise(
        'slow',
        async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await sleep(35);
          inFlight--;
        },
        { everyMs: 10 },
      ),
    );
    await sleep(200);
    assert.equal(maxInFlight, 1);
    // 200 ms of 35 ms runs: with overlap (or queued ticks) there would be ~20 runs.
    assert.ok(task.runs >= 1 && task.runs <= 6, `runs: ${task.runs}`);
  });

  test('ticks missed during a run are dropped, not fired back to back (mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    let run = deferred();
    let calls = 0;
    const task = track(
      supervise(
        'held',
        () => {
          calls++;
          return run.promise;
        },
        { everyMs: 10 },
      ),
    );
    mock.timers.tick(10);
    assert.equal(calls, 1);
    assert.equal(task.running, true);
    mock.timers.tick(50); // five ticks while the run is in flight
    assert.equal(calls, 1);
    const first = run;
    run = deferred();
    first.resolve();
    await flush();
    assert.equal(task.running, false);
    assert.equal(calls, 1, 'no catch-up run when the slow run ends');
    mock.timers.tick(10);
    assert.equal(calls, 2);
    run.resolve();
    await flush();
  });
});

describe('errors', () => {
  test('a throwing tick is logged with name, attempt and stack, and the loop goes on', async () => {
    logs = captureLogs();
    const task = track(
      supervise(
        'flaky',
        ({ attempt }) => {
          if (attempt <= 2) throw new Error(`boom ${attempt}`);
        },
        { everyMs: 10, backoff: false },
      ),
    );
    await waitFor(() => task.runs >= 4, { what: '4 runs' });
    assert.equal(task.failures, 2);
    const failures = logs.ops('run');
    assert.equal(failures.length, 2);
    assert.equal(failures[0].level, 'error');
    assert.equal(failures[0].task, 'flaky');
    assert.equal(failures[0].attempt, 1);
    assert.equal(failures[1].attempt, 2);
    assert.match(failures[0].stack, /Error: boom 1\n\s+at /);
    assert.ok(failures[0].err instanceof Error);
  });

  test('a rejected run is caught too, and onError replaces the default log', async () => {
    logs = captureLogs();
    const seen = [];
    const task = track(
      supervise(
        'rejects',
        async ({ attempt }) => {
          if (attempt === 1) throw new TypeError('bad');
        },
        { everyMs: 10, runImmediately: true, onError: (error, failure) => seen.push({ error, failure }) },
      ),
    );
    await waitFor(() => task.runs >= 2, { what: 'a second run' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].error.message, 'bad');
    assert.deepEqual(seen[0].failure, { task: 'rejects', attempt: 1, failures: 1, consecutiveFailures: 1, nextRunInMs: 10 });
    assert.equal(logs.ops('run').length, 0);
  });

  test('a failure budget stops the task with reason "failed"', async () => {
    logs = captureLogs();
    const task = track(
      supervise(
        'doomed',
        () => {
          throw new Error('always');
        },
        { everyMs: 5, backoff: false, failureBudget: { maxFailures: 3, periodMs: 10_000 } },
      ),
    );
    await waitFor(() => task.stopped, { what: 'the budget to stop the task' });
    await sleep(20);
    assert.equal(task.failures, 3);
    assert.equal(task.runs, 3);
    const exits = logs.ops('exit');
    assert.equal(exits.length, 1);
    assert.equal(exits[0].reason, 'failed');
    assert.equal(exits[0].level, 'warn');
    assert.deepEqual(await task.stop(), { reason: 'failed', timedOut: false });
  });
});

describe('stop', () => {
  test('stop waits for the run in flight and aborts its signal', async () => {
    logs = captureLogs();
    let finished = false;
    let signalAborted = false;
    const task = supervise(
      'waited',
      async ({ signal }) => {
        await sleep(60);
        signalAborted = signal.aborted;
        finished = true;
      },
      { everyMs: 10 },
    );
    await waitFor(() => task.running, { what: 'a run in flight' });
    const result = await task.stop();
    assert.equal(finished, true, 'stop resolved before the run finished');
    assert.equal(signalAborted, true);
    assert.deepEqual(result, { reason: 'stopped', timedOut: false });
    assert.equal(task.stopped, true);
    assert.equal(task.running, false);
    assert.equal(task.runs, 1);
  });

  test('stop reports timedOut when the run outlives the timeout', async () => {
    logs = captureLogs();
    const task = supervise('stubborn', () => sleep(300), { everyMs: 10 });
    await waitFor(() => task.running, { what: 'a run in flight' });
    const before = Date.now();
    const result = await task.stop({ timeoutMs: 30 });
    assert.deepEqual(result, { reason: 'stopped', timedOut: true });
    assert.ok(Date.now() - before < 250, 'stop did not wait for the whole run');
    const exits = logs.ops('exit');
    assert.equal(exits.length, 1);
    assert.equal(exits[0].timedOut, true);
    assert.equal(supervisedTasks().some((entry) => entry.name === 'stubborn' && entry.state === 'stopping'), true);
    await waitFor(() => !supervisedTasks().some((entry) => entry.name === 'stubborn'), { what: 'unregistered once the run settled' });
  });

  test('stop is idempotent and the exit is logged exactly once', async () => {
    logs = captureLogs();
    const controller = new AbortController();
    const task = supervise('once', () => undefined, { everyMs: 10, signal: controller.signal });
    const first = task.stop();
    const second = task.stop({ timeoutMs: 1 });
    controller.abort();
    assert.equal(first, second);
    assert.deepEqual(await first, { reason: 'stopped', timedOut: false });
    await task[Symbol.asyncDispose]();
    assert.equal(logs.ops('exit').length, 1);
  });

  test('stop called synchronously inside the task does not deadlock', async () => {
    logs = captureLogs();
    let result;
    const task = supervise(
      'self-stop-sync',
      () => {
        result = task.stop();
        return result;
      },
      { everyMs: 10 },
    );
    await waitFor(() => task.stopped, { what: 'the self-stop' });
    assert.deepEqual(await result, { reason: 'stopped', timedOut: false });
    assert.deepEqual(await task.stop(), { reason: 'stopped', timedOut: false });
    assert.equal(task.runs, 1);
  });

  test('stop awaited inside the task after an await does not deadlock', async () => {
    logs = captureLogs();
    let result;
    const task = supervise(
      'self-stop-async',
      async () => {
        await sleep(5);
        result = await task.stop();
      },
      { everyMs: 10 },
    );
    await waitFor(() => result !== undefined, { timeoutMs: 1000, what: 'the inner stop, well before its 5 s timeout' });
    assert.deepEqual(result, { reason: 'stopped', timedOut: false });
    const outer = await task.stop();
    assert.deepEqual(outer, { reason: 'stopped', timedOut: false });
    assert.equal(logs.ops('exit').length, 1);
  });

  test('[Symbol.asyncDispose] stops the task', async () => {
    logs = captureLogs();
    const task = supervise('disposed', () => undefined, { everyMs: 10 });
    await task[Symbol.asyncDispose]();
    assert.equal(task.stopped, true);
    assert.equal(logs.ops('exit')[0].reason, 'stopped');
  });
});

describe('signal', () => {
  test('aborting the signal stops the task with reason "aborted" and aborts the run', async () => {
    logs = captureLogs();
    const controller = new AbortController();
    let runSignal;
    const task = supervise(
      'abortable',
      ({ signal }) => {
        runSignal = signal;
      },
      { everyMs: 10, signal: controller.signal },
    );
    await waitFor(() => task.runs >= 1, { what: 'a first run' });
    const runs = task.runs;
    controller.abort(new Error('client gone'));
    assert.equal(task.stopped, true);
    assert.equal(runSignal.aborted, true);
    assert.equal(runSignal.reason.message, 'client gone');
    await sleep(30);
    assert.equal(task.runs, runs, 'no run after abort');
    assert.deepEqual(await task.stop(), { reason: 'aborted', timedOut: false });
    assert.equal(logs.ops('exit')[0].reason, 'aborted');
  });

  test('an already aborted signal stops the task before any run', async () => {
    logs = captureLogs();
    const task = supervise('born-aborted', () => undefined, { everyMs: 5, signal: AbortSignal.abort(), runImmediately: true });
    await sleep(20);
    assert.equal(task.runs, 0);
    assert.deepEqual(await task.stop(), { reason: 'aborted', timedOut: false });
  });
});

describe('handle', () => {
  test('runImmediately runs before the first interval', async () => {
    logs = captureLogs();
    const task = track(supervise('eager', () => undefined, { everyMs: 10_000, runImmediately: true }));
    await sleep(5);
    assert.equal(task.runs, 1);
  });

  test('running, runs, failures and stopped are read-only', () => {
    logs = captureLogs();
    const task = track(supervise('readonly', () => undefined, { everyMs: 10_000 }));
    for (const field of ['running', 'runs', 'failures', 'stopped']) {
      assert.throws(() => {
        task[field] = 42;
      }, TypeError);
    }
    assert.deepEqual([task.running, task.runs, task.failures, task.stopped], [false, 0, 0, false]);
  });

  test('supervisedTasks lists live tasks with where they were created', async () => {
    logs = captureLogs();
    track(supervise('listed', () => undefined, { everyMs: 10_000 }));
    const entry = supervisedTasks().find((task) => task.name === 'listed');
    assert.equal(entry.state, 'running');
    assert.match(entry.createdAt, /supervise\.test\.mjs:\d+:\d+/);
  });
});

describe('backoff', () => {
  test('the delay grows after consecutive failures, is capped, and resets after a success (mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const failingAttempts = new Set([1, 2, 3, 4, 5, 7]);
    const startedAt = [];
    let now = 0;
    const task = track(
      supervise(
        'backoff',
        ({ attempt }) => {
          startedAt.push(now);
          if (failingAttempts.has(attempt)) throw new Error(`fail ${attempt}`);
        },
        { everyMs: 100, backoff: { initialMs: 100, factor: 2, maxMs: 500 } },
      ),
    );
    while (now < 2500 && startedAt.length < 8) {
      mock.timers.tick(10);
      now += 10;
      await flush();
    }
    const gaps = startedAt.slice(1).map((time, index) => time - startedAt[index]);
    // Runs 1-5 fail: 100, 200, 400, then capped at 500. Run 6 succeeds: the plain interval
    // resumes (100). Run 7 fails once: the backoff starts over at 100.
    assert.deepEqual(gaps, [100, 200, 400, 500, 500, 100, 100]);
    assert.deepEqual(
      logs.ops('run').map((record) => record.nextRunInMs),
      [100, 200, 400, 500, 500, 100],
    );
    assert.deepEqual(
      logs.ops('run').map((record) => record.consecutiveFailures),
      [1, 2, 3, 4, 5, 1],
    );
  });

  test('backoff: false keeps the plain interval through failures (mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    let calls = 0;
    const task = track(
      supervise(
        'no-backoff',
        () => {
          calls++;
          throw new Error('still failing');
        },
        { everyMs: 100, backoff: false },
      ),
    );
    for (let elapsed = 0; elapsed < 1000; elapsed += 10) {
      mock.timers.tick(10);
      await flush();
    }
    assert.equal(calls, 10);
    assert.equal(task.failures, 10);
  });
});

describe('everyMs', () => {
  test('below 1 ms (0, 0.5) runs every 1 ms, as setInterval does (mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const counts = [];
    for (const everyMs of [0, 0.5]) {
      let runs = 0;
      track(supervise(`fast-${everyMs}`, () => void runs++, { everyMs }));
      for (let step = 0; step < 5; step++) {
        mock.timers.tick(1);
        await flush();
      }
      counts.push(runs);
    }
    assert.deepEqual(counts, [5, 5]);
  });
});
