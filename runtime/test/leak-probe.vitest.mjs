// The leak probe as the README shows it for vitest: a probe per test, checked in afterEach.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { supervise, track } from '@leakfix/runtime';
import { LeakError, leakProbe } from '@leakfix/runtime/testing';

describe('leak probe with vitest', () => {
  let probe;
  beforeEach(() => {
    probe = leakProbe();
  });
  afterEach(async () => {
    await probe.check();
  });

  test('a task stopped before the test ends passes the check', async () => {
    const task = supervise('poller', () => undefined, { everyMs: 10, runImmediately: true });
    while (task.runs < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(task.running).toBe(false);
    await task.stop();
  });

  test('a leaked setInterval is reported, and passes once cleared', async () => {
    const local = leakProbe();
    const interval = setInterval(() => undefined, 1000);
    const error = await local.check({ timeoutMs: 30 }).catch((caught) => caught);
    expect(error).toBeInstanceOf(LeakError);
    expect(error.leaks.map((leak) => leak.name)).toEqual(['Timeout']);
    clearInterval(interval);
    await local.check();
  });

  test('a tracked promise pending past the test is reported with its name', async () => {
    const local = leakProbe();
    let settle;
    track(new Promise((resolve) => (settle = resolve)), 'pending-write');
    const error = await local.check({ timeoutMs: 20 }).catch((caught) => caught);
    expect(error.message).toMatch(/tracked promise "pending-write"/);
    settle();
  });
});
