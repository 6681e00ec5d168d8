// Issue 13: the runtime must never be what crashes, hangs or slows an application. Where a crash
// or an exit is the behaviour, the code runs in a child process.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { afterEach, describe, mock, test } from 'node:test';
import { TaskGroup, setLogger, supervise, supervisedTasks, track } from '@leakfix/runtime';
import { captureLogs, deferred, flush, runChild, sleep, waitFor } from './helpers.mjs';

let logs;
const started = [];
function keep(task) {
  started.push(task);
  return task;
}
afterEach(async () => {
  mock.timers.reset();
  await Promise.all(started.splice(0).map((task) => task.stop({ timeoutMs: 100 })));
  logs?.restore();
  logs = undefined;
});

/** Lets promise callbacks and mocked timers make progress. */
async function advance(ms, steps = 1) {
  for (let step = 0; step < steps; step++) {
    mock.timers.tick(ms / steps);
    await flush();
  }
}

describe('user hooks are contained', () => {
  test('an async onError that rejects does not crash the process; it is logged and the default log runs', async () => {
    const result = await runChild(`
      import { supervise } from '@leakfix/runtime';
      const task = supervise('flaky', () => { throw new Error('boom'); }, {
        everyMs: 5, runImmediately: true, onError: async () => { throw new Error('onError broke'); },
      });
      setTimeout(async () => { await task.stop(); console.log('survived'); }, 40);
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /survived/);
    assert.match(result.stderr, /onError threw .*task=flaky/);
    assert.match(result.stderr, /Error: onError broke/);
    assert.match(result.stderr, /run failed .*task=flaky/);
  });

  test('an async onRejection that rejects does not crash the process', async () => {
    const result = await runChild(`
      import { TaskGroup } from '@leakfix/runtime';
      const group = new TaskGroup({ name: 'g', onRejection: async () => { throw new Error('handler broke'); } });
      group.track(Promise.reject(new Error('write failed')), 'write');
      setTimeout(() => console.log('survived'), 30);
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /survived/);
    assert.match(result.stderr, /onRejection threw .*group=g/);
    assert.match(result.stderr, /tracked promise rejected .*task=write/);
  });

  test('a logger whose methods return rejecting promises does not crash a plain task.stop()', async () => {
    const result = await runChild(`
      import { setLogger, supervise } from '@leakfix/runtime';
      const broken = async () => { throw new Error('transport down'); };
      setLogger({ info: broken, warn: broken, error: broken });
      const task = supervise('quiet', () => undefined, { everyMs: 5 });
      await task.stop();
      setTimeout(() => console.log('survived'), 30);
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /survived/);
    assert.match(result.stderr, /logger threw/);
  });

  test('throwing or rejecting onRun/onExit hooks are logged, the task goes on', async () => {
    logs = captureLogs();
    const task = keep(
      supervise('hooked', () => undefined, {
        everyMs: 5,
        onRun: () => {
          throw new Error('onRun broke');
        },
        onExit: async () => {
          throw new Error('onExit broke');
        },
      }),
    );
    await waitFor(() => task.runs >= 2, { what: 'two runs' });
    await task.stop();
    await flush();
    assert.ok(logs.records.some((record) => record.hook === 'onRun'));
    assert.ok(logs.records.some((record) => record.hook === 'onExit'));
  });
});

describe('describing errors never throws', () => {
  test('rejections with a null-prototype cycle, a revoked Proxy, and a Symbol name are logged, not thrown', async () => {
    const result = await runChild(`
      import { TaskGroup, track } from '@leakfix/runtime';
      const cycle = Object.create(null);
      cycle.self = cycle;
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      track(Promise.reject(cycle), 'cycle');
      track(Promise.reject(proxy), 'revoked');
      track(Promise.reject(new Error('named by a symbol')), Symbol('weird'));
      new TaskGroup({ name: Symbol('group') }).track(Promise.reject(proxy));
      setTimeout(() => console.log('survived'), 30);
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /survived/);
    assert.match(result.stderr, /tracked promise rejected .*task=cycle .*err="\[object Object\]"/);
    assert.match(result.stderr, /tracked promise rejected .*task=revoked .*err="\[a value that cannot be described\]"/);
    assert.match(result.stderr, /task=Symbol\(weird\)/);
  });
});

describe('timeouts: Infinity means no deadline, large values work', () => {
  test('stop({ timeoutMs: Infinity }) and a value above 2^31−1 wait for the run', async () => {
    logs = captureLogs();
    for (const timeoutMs of [Number.POSITIVE_INFINITY, 2 ** 31 + 5]) {
      const run = deferred();
      const task = supervise('slow', () => run.promise, { everyMs: 5 });
      await waitFor(() => task.running, { what: 'a run' });
      const stopping = task.stop({ timeoutMs });
      await sleep(30);
      run.resolve();
      assert.deepEqual(await stopping, { reason: 'stopped', timedOut: false }, `timeoutMs ${timeoutMs}`);
    }
  });

  test('drain({ timeoutMs: Infinity }) waits and does not abort go() work', async () => {
    logs = captureLogs();
    const group = new TaskGroup({ name: 'patient' });
    let aborted = false;
    group.go('slow', (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return sleep(30);
    });
    const result = await group.drain({ timeoutMs: Number.POSITIVE_INFINITY });
    assert.deepEqual(result, { settled: 1, timedOut: false, pending: [] });
    assert.equal(aborted, false);
    group.go('slower', () => sleep(20));
    assert.equal((await group.drain({ timeoutMs: 2 ** 31 })).timedOut, false);
  });

  test('nonsense timeouts throw at the call (drain) or are reported (stop never rejects)', async () => {
    logs = captureLogs();
    const group = new TaskGroup();
    await assert.rejects(group.drain({ timeoutMs: Number.NaN }), RangeError);
    await assert.rejects(group.drain({ timeoutMs: '5s' }), TypeError);
    const task = supervise('t', () => undefined, { everyMs: 10 });
    assert.deepEqual(await task.stop({ timeoutMs: -1 }), { reason: 'stopped', timedOut: false });
    assert.match(logs.ops('stop')[0].msg, /timeoutMs must be >= 0/);
  });
});

describe('everyMs', () => {
  test('nonsense is refused at the call with a TypeError or RangeError, and nothing is registered', () => {
    logs = captureLogs();
    const before = supervisedTasks().length;
    assert.throws(() => supervise('a', () => undefined, {}), { name: 'TypeError', message: /everyMs must be a number of milliseconds, got undefined/ });
    assert.throws(() => supervise('a', () => undefined, { everyMs: '5s' }), { name: 'TypeError', message: /got "5s"/ });
    for (const everyMs of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      assert.throws(() => supervise('a', () => undefined, { everyMs }), RangeError, String(everyMs));
    }
    assert.throws(() => supervise('a', () => undefined), TypeError);
    assert.equal(supervisedTasks().length, before);
  });

  test('a numeric string is taken as setInterval takes it', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    let runs = 0;
    keep(supervise('from-config', () => void runs++, { everyMs: '50' }));
    await advance(49);
    assert.equal(runs, 0);
    await advance(1);
    assert.equal(runs, 1);
  });

  test('an interval of 30 days runs after 30 days, not every millisecond (chained timers; mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const day = 24 * 3600 * 1000;
    let runs = 0;
    keep(supervise('monthly', () => void runs++, { everyMs: 30 * day }));
    await advance(200, 20);
    assert.equal(runs, 0, 'no hot loop');
    // Mock timers run a timer armed during tick() from the end of that tick: steps of a day keep it close.
    await advance(29 * day - 200, 29);
    assert.equal(runs, 0, 'not before 30 days');
    await advance(2 * day, 2);
    assert.equal(runs, 1);
  });

  test('a 30-day backoff waits 30 days (mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const day = 24 * 3600 * 1000;
    let runs = 0;
    keep(
      supervise('retry-monthly', () => {
        runs++;
        throw new Error('down');
      }, { everyMs: 10, backoff: { initialMs: 30 * day, maxMs: 30 * day } }),
    );
    await advance(10);
    assert.equal(runs, 1);
    await advance(200, 20);
    assert.equal(runs, 1, 'no retry every millisecond');
    assert.equal(logs.ops('run')[0].nextRunInMs, 30 * day);
    await advance(29 * day, 29);
    assert.equal(runs, 1, 'not before 30 days');
    await advance(2 * day, 2);
    assert.equal(runs, 2);
  });

  test('jitter stretches each delay by up to the given fraction (mock timers)', async (t) => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    t.mock.method(Math, 'random', () => 0.5);
    let runs = 0;
    keep(supervise('jittery', () => void runs++, { everyMs: 100, jitter: 0.5 }));
    await advance(124);
    assert.equal(runs, 0);
    await advance(1);
    assert.equal(runs, 1, 'at 100 × (1 + 0.5 × 0.5) = 125 ms');
    await advance(125);
    assert.equal(runs, 2);
    assert.throws(() => supervise('bad', () => undefined, { everyMs: 5, jitter: -1 }), RangeError);
  });
});

describe('per-run signals', () => {
  test('each run gets its own signal: listeners added per run never pile up on one', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const signals = new Set();
    const task = keep(
      supervise('listener-per-run', ({ signal }) => {
        signals.add(signal);
        signal.addEventListener('abort', () => undefined);
      }, { everyMs: 1 }),
    );
    await advance(200, 200);
    assert.equal(task.runs, 200);
    assert.equal(signals.size, 200);
    for (const signal of signals) assert.ok(getEventListeners(signal, 'abort').length <= 1);
    const last = [...signals].at(-1);
    await task.stop();
    assert.equal(last.aborted, true, "the latest run's signal is aborted by the stop");
  });
});

describe('runTimeoutMs', () => {
  test('a run that never settles is aborted, logged, counted as a failure, and the loop goes on (mock timers)', async () => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const signals = [];
    const task = keep(
      supervise('stuck', ({ signal }) => {
        signals.push(signal);
        return new Promise(() => undefined);
      }, { everyMs: 10, runTimeoutMs: 50, backoff: false }),
    );
    await advance(10);
    assert.equal(task.runs, 1);
    await advance(50, 5);
    assert.equal(signals[0].aborted, true);
    assert.equal(signals[0].reason.name, 'TimeoutError');
    assert.equal(task.failures, 1);
    assert.equal(task.running, false);
    assert.match(logs.records.find((record) => record.op === 'run' && record.level === 'warn').msg, /run timed out/);
    await advance(10);
    assert.equal(task.runs, 2, 'the loop goes on');
  });
});

describe('stop-inside-fn detection has no process-wide cost', () => {
  test('supervise() and runs that await never use AsyncLocalStorage (its promise hooks slow every await)', async () => {
    const result = await runChild(`
      import { AsyncLocalStorage, createHook } from 'node:async_hooks';
      const uses = [];
      for (const method of ['run', 'enterWith', 'getStore']) {
        const original = AsyncLocalStorage.prototype[method];
        AsyncLocalStorage.prototype[method] = function (...args) { uses.push(method); return original.apply(this, args); };
      }
      const { supervise, setLogger } = await import('@leakfix/runtime');
      let inner;
      const task = supervise('awaiting', async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        inner = await task.stop();
      }, { everyMs: 5, runImmediately: true });
      while (inner === undefined) await new Promise((resolve) => setTimeout(resolve, 2));
      console.log(JSON.stringify({ uses, inner }));
    `);
    assert.equal(result.code, 0, result.stderr);
    const { uses, inner } = JSON.parse(result.stdout);
    assert.deepEqual(uses, []);
    assert.deepEqual(inner, { reason: 'stopped', timedOut: false }, 'the stop inside the run did not wait for itself');
  });

  test("an outside caller still waits for the run, even during another task's run", async () => {
    logs = captureLogs();
    const run = deferred();
    const worker = keep(supervise('worker', () => run.promise, { everyMs: 5 }));
    await waitFor(() => worker.running, { what: 'the worker run' });
    let stopResult;
    let settledEarly = false;
    const boss = keep(
      supervise('boss', async () => {
        await sleep(1);
        const stopping = worker.stop({ timeoutMs: 1000 });
        setTimeout(() => (settledEarly = stopResult !== undefined), 20);
        stopResult = await stopping;
      }, { everyMs: 5, runImmediately: true }),
    );
    await sleep(40);
    assert.equal(settledEarly, false, "the boss's stop waits for the worker's run");
    run.resolve();
    await waitFor(() => stopResult !== undefined, { what: 'the stop' });
    assert.deepEqual(stopResult, { reason: 'stopped', timedOut: false });
    await boss.stop();
  });
});

describe('smaller faults', () => {
  test('a bad signal is refused at the call and leaves no registry record', () => {
    logs = captureLogs();
    const before = supervisedTasks().length;
    assert.throws(() => supervise('bad-signal', () => undefined, { everyMs: 5, signal: {} }), { name: 'TypeError', message: /signal must be an AbortSignal/ });
    assert.equal(supervisedTasks().length, before);
  });

  test('go(name, undefined) is refused', () => {
    assert.throws(() => new TaskGroup().go('nothing', undefined), { name: 'TypeError', message: /go\("nothing", fn\) needs a function/ });
  });

  test('failureBudget.maxFailures NaN (or 0, or 1.5) is refused', () => {
    for (const maxFailures of [Number.NaN, 0, 1.5, undefined]) {
      assert.throws(() => supervise('b', () => undefined, { everyMs: 5, failureBudget: { maxFailures } }), /maxFailures/, String(maxFailures));
    }
  });

  test('the failure budget window uses a monotonic clock: a wall-clock jump does not reset it', async (t) => {
    logs = captureLogs();
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    const realNow = Date.now;
    let jump = 0;
    t.mock.method(Date, 'now', () => realNow() + (jump += 3_600_000));
    const task = keep(
      supervise('budgeted', () => {
        throw new Error('down');
      }, { everyMs: 10, backoff: false, failureBudget: { maxFailures: 3, periodMs: 60_000 } }),
    );
    await advance(30, 3);
    assert.equal(task.failures, 3);
    assert.equal(task.stopped, true, 'three failures within 30 ms trip a 60 s window whatever Date.now says');
  });

  test('the default console logger prints warnings and errors, not one info line per exit', async () => {
    const result = await runChild(`
      import { supervise, setLogLevel } from '@leakfix/runtime';
      const task = supervise('quiet', () => undefined, { everyMs: 5, runImmediately: true });
      await task.stop();
      const failing = supervise('loud', () => { throw new Error('x'); }, { everyMs: 5, runImmediately: true });
      await new Promise((resolve) => setTimeout(resolve, 10));
      await failing.stop();
      setLogLevel('info');
      await supervise('shown', () => undefined, { everyMs: 5 }).stop();
    `);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout + result.stderr;
    assert.doesNotMatch(out, /task exited .*task=quiet/);
    assert.doesNotMatch(out, /task exited .*task=loud/);
    assert.match(out, /run failed .*task=loud/);
    assert.match(out, /task exited .*task=shown/);
  });
});

describe('exited, onRun, onExit and diagnostics_channel events', () => {
  test('the hooks and the exited promise see each run and the exit once', async () => {
    logs = captureLogs();
    const seen = [];
    const task = supervise('observed', ({ attempt }) => {
      if (attempt === 2) throw new Error('second fails');
    }, {
      everyMs: 5,
      onRun: ({ task: name, attempt }) => seen.push(`run ${name} ${attempt}`),
      onExit: (exit) => seen.push(`exit ${exit.reason} runs=${exit.runs} failures=${exit.failures}`),
      onError: () => undefined,
    });
    await waitFor(() => task.runs >= 3, { what: 'three runs' });
    await task.stop();
    const exit = await task.exited;
    assert.equal(exit.reason, 'stopped');
    assert.equal(exit.failures, 1);
    assert.deepEqual(seen.slice(0, 3), ['run observed 1', 'run observed 2', 'run observed 3']);
    assert.equal(seen.filter((entry) => entry.startsWith('exit')).length, 1);
  });

  test('runs, failures, exits and tracked rejections are published on node:diagnostics_channel', async () => {
    logs = captureLogs();
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const events = [];
    const listeners = {
      'leakfix:run:start': (message) => events.push(['start', message.task, message.attempt]),
      'leakfix:run:end': (message) => events.push(['end', message.task, message.failed]),
      'leakfix:task:exit': (message) => events.push(['exit', message.task, message.reason]),
      'leakfix:track:reject': (message) => events.push(['reject', message.name, message.error.message]),
    };
    for (const [name, listener] of Object.entries(listeners)) subscribe(name, listener);
    try {
      const task = supervise('traced', ({ attempt }) => {
        if (attempt === 1) throw new Error('first fails');
      }, { everyMs: 5, backoff: false, onError: () => undefined });
      await waitFor(() => task.runs >= 2 && !task.running, { what: 'two runs' });
      await task.stop();
      track(Promise.reject(new Error('lost write')), 'write');
      await sleep(5);
    } finally {
      for (const [name, listener] of Object.entries(listeners)) unsubscribe(name, listener);
    }
    assert.deepEqual(events.slice(0, 4), [
      ['start', 'traced', 1],
      ['end', 'traced', true],
      ['start', 'traced', 2],
      ['end', 'traced', false],
    ]);
    assert.deepEqual(events.slice(-2), [
      ['exit', 'traced', 'stopped'],
      ['reject', 'write', 'lost write'],
    ]);
  });
});

describe('handleShutdownSignals exit codes', () => {
  const SIGNALLED = {
    onStdout: (stdout, child) => {
      if (stdout.includes('ready') && !child.signalled) {
        child.signalled = true;
        child.kill('SIGTERM');
      }
    },
  };

  test('as PID 1 (no init in the container) it exits with 128 + 15 after the shutdown', async () => {
    // process.kill is replaced, so nothing is ever sent to the real PID 1.
    const result = await runChild(
      `
      Object.defineProperty(process, 'pid', { value: 1 });
      process.kill = () => { console.log('kill called'); return true; };
      const { handleShutdownSignals, supervise } = await import('@leakfix/runtime');
      setInterval(() => undefined, 1000); // something else keeps the event loop alive
      supervise('heartbeat', () => undefined, { everyMs: 20 });
      handleShutdownSignals({ timeoutMs: 1000 });
      console.log('ready');
    `,
      SIGNALLED,
    );
    assert.equal(result.timedOut, false, 'the process exited by itself');
    assert.equal(result.code, 143, result.stderr);
    assert.doesNotMatch(result.stdout, /kill called/);
  });

  test('when re-raising the signal does not end the process, it exits with 128 + 15 anyway', async () => {
    const result = await runChild(
      `
      process.kill = () => true; // the signal is ignored, as PID 1 in a PID namespace would
      const { handleShutdownSignals } = await import('@leakfix/runtime');
      setInterval(() => undefined, 1000);
      handleShutdownSignals({ timeoutMs: 1000 });
      console.log('ready');
    `,
      SIGNALLED,
    );
    assert.equal(result.timedOut, false);
    assert.equal(result.code, 143, result.stderr);
  });

  test('a second signal during the shutdown forces the exit with 128 + the signal number', async () => {
    const result = await runChild(
      `
      const { handleShutdownSignals } = await import('@leakfix/runtime');
      handleShutdownSignals({ timeoutMs: 60000, beforeShutdown: () => new Promise(() => undefined) });
      setInterval(() => undefined, 1000);
      process.on('exit', (code) => console.log('exit ' + code));
      console.log('ready');
    `,
      {
        onStdout: (stdout, child) => {
          if (stdout.includes('ready') && !child.signalled) {
            child.signalled = true;
            child.kill('SIGINT');
            setTimeout(() => child.kill('SIGINT'), 100);
          }
        },
      },
    );
    assert.equal(result.timedOut, false);
    assert.equal(result.code, 130, result.stderr);
    assert.match(result.stderr, /second signal/);
  });
});

test('no test in this file leaves the logger replaced', () => {
  setLogger(undefined);
});
