// Shared by the runtime's node:test suites (not a test file itself: no `.test.` in its name).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setLogger, setRejectionForwarding } from '@leakfix/runtime';

// node:test listens for 'unhandledRejection' in the test process, so a tracked rejection would be
// forwarded to it and fail the test that checks the runtime's own logging and counting. Forwarding
// itself is tested in child processes with and without listeners (forwarding.test.mjs).
setRejectionForwarding(false);

export const RUNTIME_DIR = fileURLToPath(new URL('..', import.meta.url));

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Routes runtime logs into an array for the duration of a test; call restore() after. */
export function captureLogs() {
  const records = [];
  const push = (level) => (record) => records.push({ level, ...record });
  setLogger({ info: push('info'), warn: push('warn'), error: push('error') });
  return {
    records,
    ops: (op) => records.filter((record) => record.op === op),
    restore: () => setLogger(undefined),
  };
}

/** A promise with its resolve/reject exposed. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets promise callbacks run (mock timers do not advance setImmediate unless asked). */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs an ES module given as source in a child Node with default flags, cwd = runtime/, so
 * `@leakfix/runtime` resolves to the built package. Killed after timeoutMs (then timedOut: true).
 */
export function runChild(source, { timeoutMs = 5000, onStdout } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: RUNTIME_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Polls `condition` every 2 ms until it holds (resolves) or `timeoutMs` passes (rejects). */
export async function waitFor(condition, { timeoutMs = 2000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}
