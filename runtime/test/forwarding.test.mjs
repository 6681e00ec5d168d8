// A tracked rejection still reaches the host's unhandled-rejection watchers (an app's error log,
// Sentry, a test runner), and with no watcher it is logged and nothing crashes. Each case runs in
// a child process: node:test itself listens for 'unhandledRejection' in the test process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { RUNTIME_DIR } from './helpers.mjs';

function run(body) {
  const source = `import { TaskGroup, setRejectionForwarding, track } from '@leakfix/runtime';\n${body}\n`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], { cwd: RUNTIME_DIR, encoding: 'utf8', timeout: 20_000 });
}

describe('rejection forwarding', () => {
  test("an app's unhandledRejection listener sees a tracked rejection, with the promise, once", () => {
    const result = run(`
      const seen = [];
      process.on('unhandledRejection', (error, promise) => seen.push([error.message, promise instanceof Promise]));
      track(Promise.reject(new Error('save failed')), 'save');
      setTimeout(() => console.log(JSON.stringify(seen)), 50);
    `);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [['save failed', true]]);
    assert.match(result.stderr, /tracked promise rejected .*task=save/, 'the runtime logs it too');
  });

  test('with no listener the rejection is logged and the process does not crash', () => {
    const result = run(`track(Promise.reject(new Error('save failed')), 'save'); setTimeout(() => console.log('still running'), 50);`);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /still running/);
    assert.match(result.stderr, /tracked promise rejected .*task=save/);
  });

  test("setRejectionForwarding(false) keeps it from the listeners; a group's onRejection owns its rejections", () => {
    const result = run(`
      const seen = [];
      process.on('unhandledRejection', (error) => seen.push(error.message));
      new TaskGroup({ name: 'owned', onRejection: () => {} }).track(Promise.reject(new Error('owned')));
      setRejectionForwarding(false);
      track(Promise.reject(new Error('off')), 'off');
      setTimeout(() => console.log(JSON.stringify(seen)), 50);
    `);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });

  test('a listener that throws is logged, never rethrown', () => {
    const result = run(`
      process.on('unhandledRejection', () => { throw new Error('listener broke'); });
      track(Promise.reject(new Error('save failed')), 'save');
      setTimeout(() => console.log('still running'), 50);
    `);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /still running/);
    assert.match(result.stderr, /an unhandledRejection listener threw .*listener broke/s);
  });

  test('a test runner that fails on unhandled rejections still fails the test (node:test)', () => {
    // Without NODE_TEST_CONTEXT, or the child would report to this runner instead of printing.
    const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
    const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'test/fixtures/forwarded-rejection.fixture.mjs'], { cwd: RUNTIME_DIR, encoding: 'utf8', timeout: 30_000, env });
    assert.notEqual(result.status, 0, 'the tracked rejection must still fail the run, as the floating one did');
    assert.match(result.stdout, /failureType: 'unhandledRejection'[\s\S]*save failed/);
  });
});
