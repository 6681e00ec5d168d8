// Behaviour that only a whole process shows: staying alive or exiting, crashing or not, signals,
// and loading without Node's `process` (as in a browser). Each child runs with Node's default flags.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runChild } from './helpers.mjs';

// The child exits with 7 from an unref'd timer only if something else kept it alive that long.
const KEPT_ALIVE_PROBE = "setTimeout(() => { console.log('still alive'); process.exit(7); }, 300).unref();";

describe('process lifetime', () => {
  test('unref: true lets the process exit by itself', async () => {
    const result = await runChild(`
      import { supervise } from '@leakfix/runtime';
      supervise('background', () => undefined, { everyMs: 20, unref: true });
      ${KEPT_ALIVE_PROBE}
    `);
    assert.equal(result.timedOut, false);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /still alive/);
  });

  test('by default a supervised task keeps the process alive, like setInterval', async () => {
    const result = await runChild(`
      import { supervise } from '@leakfix/runtime';
      let runs = 0;
      supervise('foreground', () => { runs++; }, { everyMs: 20 });
      process.on('exit', () => console.log('runs=' + runs));
      ${KEPT_ALIVE_PROBE}
    `);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stdout, /still alive/);
    assert.match(result.stdout, /runs=[1-9]/);
  });

  test('a task in backoff with unref: true does not hold the process either', async () => {
    const result = await runChild(`
      import { supervise } from '@leakfix/runtime';
      import { setLogger } from '@leakfix/runtime';
      setLogger({ info() {}, warn() {}, error() {} });
      supervise('failing', () => { throw new Error('x'); }, { everyMs: 10, unref: true, runImmediately: true });
      ${KEPT_ALIVE_PROBE}
    `);
    assert.equal(result.code, 0, result.stderr + result.stdout);
  });
});

describe('rejections', () => {
  test('a tracked rejection does not crash a process running with --unhandled-rejections=throw (the default)', async () => {
    const result = await runChild(`
      import { track } from '@leakfix/runtime';
      async function save() { throw new Error('disk full'); }
      track(save(), 'save-report');
      setTimeout(() => console.log('survived'), 30);
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /survived/);
    assert.match(result.stderr, /tracked promise rejected.*task=save-report/);
    assert.match(result.stderr, /Error: disk full\n\s+at save/);
  });

  test('control: the same rejection untracked crashes the process', async () => {
    const result = await runChild(`
      async function save() { throw new Error('disk full'); }
      save();
      setTimeout(() => console.log('survived'), 30);
    `);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stdout, /survived/);
  });
});

describe('handleShutdownSignals', () => {
  test('SIGTERM closes the server, stops tasks, drains, then lets the process die of the signal', async () => {
    const result = await runChild(
      `
      import { createServer } from 'node:http';
      import { handleShutdownSignals, setLogLevel, supervise, track } from '@leakfix/runtime';
      setLogLevel('info');
      const server = createServer((req, res) => res.end('ok')).listen(0);
      supervise('heartbeat', () => undefined, { everyMs: 20 });
      // Still in flight when the shutdown drains: it settles 50 ms after the server closed.
      track(new Promise((resolve) => server.on('close', () => setTimeout(resolve, 50))), 'in-flight-request');
      handleShutdownSignals({
        timeoutMs: 2000,
        beforeShutdown: () => new Promise((resolve) => server.close(resolve)),
      });
      process.on('exit', (code) => console.log('exit event ' + code));
      server.on('listening', () => console.log('ready'));
    `,
      {
        onStdout: (stdout, child) => {
          if (stdout.includes('ready') && !child.signalled) {
            child.signalled = true;
            child.kill('SIGTERM');
          }
        },
      },
    );
    assert.equal(result.timedOut, false);
    assert.equal(result.signal, 'SIGTERM', `code ${result.code}, stderr: ${result.stderr}`);
    const out = result.stdout + result.stderr;
    assert.match(out, /signal received, shutting down .*signal=SIGTERM/);
    assert.match(out, /task exited .*task=heartbeat reason=shutdown/);
    assert.match(out, /shutdown complete .*tasks=1 groups=1 settled=1 pending="" timedOut=false/);
  });

  test('with a listener of your own left, the process is not killed but exits once idle', async () => {
    const result = await runChild(
      `
      import { handleShutdownSignals, supervise } from '@leakfix/runtime';
      supervise('heartbeat', () => undefined, { everyMs: 20 });
      handleShutdownSignals();
      process.on('SIGINT', () => console.log('own listener'));
      process.on('exit', (code) => console.log('exit event ' + code));
      console.log('ready');
    `,
      {
        onStdout: (stdout, child) => {
          if (stdout.includes('ready') && !child.signalled) {
            child.signalled = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    assert.equal(result.signal, null, result.stderr);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /own listener/);
    assert.match(result.stdout, /exit event 0/);
  });
});

describe('hosts without Node', () => {
  test('the package loads and works when globalThis.process does not exist', async () => {
    const result = await runChild(`
      const realProcess = globalThis.process;
      Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
      const runtime = await import('@leakfix/runtime');
      const { leakProbe } = await import('@leakfix/runtime/testing');
      const lines = [];
      runtime.setLogger({ info: (r) => lines.push(r.msg), warn: (r) => lines.push(r.msg), error: (r) => lines.push(r.msg) });
      const probe = leakProbe();
      const task = runtime.supervise('browser-task', () => undefined, { everyMs: 5, runImmediately: true, unref: true });
      runtime.track(Promise.reject(new Error('x')), 'browser-promise');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const leaks = probe.leaks().map((leak) => leak.kind + ':' + leak.name);
      const stop = await task.stop();
      const uninstall = runtime.handleShutdownSignals();
      uninstall();
      await probe.check({ timeoutMs: 100 });
      realProcess.stdout.write(JSON.stringify({ processSeen: typeof globalThis.process, runs: task.runs, stop, leaks, lines }));
    `);
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.processSeen, 'undefined');
    assert.ok(outcome.runs >= 2);
    assert.deepEqual(outcome.stop, { reason: 'stopped', timedOut: false });
    assert.deepEqual(outcome.leaks, ['task:browser-task']);
    assert.deepEqual(outcome.lines, ['tracked promise rejected', 'task exited']);
  });
});

describe('handleShutdownSignals deadline', () => {
  test('a beforeShutdown that never settles does not hold the exit past timeoutMs', async () => {
    const started = Date.now();
    const result = await runChild(
      `
      import { handleShutdownSignals, setLogLevel, supervise } from '@leakfix/runtime';
      setLogLevel('info');
      supervise('heartbeat', () => undefined, { everyMs: 20 });
      handleShutdownSignals({ timeoutMs: 200, beforeShutdown: () => new Promise(() => undefined) });
      console.log('ready');
    `,
      {
        onStdout: (stdout, child) => {
          if (stdout.includes('ready') && !child.signalled) {
            child.signalled = true;
            child.kill('SIGTERM');
          }
        },
      },
    );
    assert.equal(result.signal, 'SIGTERM', result.stderr);
    assert.ok(Date.now() - started < 3000);
    assert.match(result.stderr, /beforeShutdown timed out/);
    assert.match(result.stdout, /task exited .*reason=shutdown/);
  });
});
