// The leak probe under real test runners, each in a child process: the README's jest pattern under
// jest 30 (with fake timers too), and the one-line opt-ins for node:test (--import), vitest
// (setupFiles) and jest (setupFilesAfterEnv). A leaking test fails with a report naming the test,
// the resource and the line that created it; clean tests pass; fake timers never hang a check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { RUNTIME_DIR } from './helpers.mjs';

const require = createRequire(import.meta.url);
const FIXTURES = join(RUNTIME_DIR, 'test', 'fixtures');
const bin = (pkg, file) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

function run(args, cwd) {
  return new Promise((resolve) => {
    // Without NODE_TEST_CONTEXT the child's `node --test` is a run of its own, not a nested one.
    const { NODE_TEST_CONTEXT, ...env } = process.env;
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Runs jest with `config` and returns { title: failure message or 'passed' }. */
async function jest(config) {
  const outputFile = join(tmpdir(), `leakfix-jest-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const result = await run([bin('jest', 'bin/jest.js'), '-c', config, '--json', `--outputFile=${outputFile}`], join(FIXTURES, 'jest'));
  try {
    const report = JSON.parse(readFileSync(outputFile, 'utf8'));
    return Object.fromEntries(report.testResults.flatMap((file) => file.assertionResults.map((entry) => [entry.title, entry.status === 'passed' ? 'passed' : entry.failureMessages.join('\n')])));
  } catch (error) {
    throw new Error(`jest did not report: ${error.message}\n${result.output}`);
  } finally {
    rmSync(outputFile, { force: true });
  }
}

const timeout = { timeout: 120_000 };

describe('jest 30', () => {
  test('the README pattern (beforeEach probe, afterEach check) passes clean tests, with fake timers too', timeout, async () => {
    const results = await jest('jest.config.cjs');
    assert.deepEqual(results, {
      'a clean test passes': 'passed',
      'a second clean test passes': 'passed',
      'a clean test with fake timers passes': 'passed',
      'fake timers still installed when the check runs do not hang it': 'passed',
    });
  });

  test("setupFilesAfterEnv: ['@leakfix/runtime/testing/jest'] fails exactly the leaking tests, naming test, resource and line", timeout, async () => {
    const results = await jest('jest.opt-in.config.cjs');
    assert.equal(results['a clean test passes'], 'passed');
    assert.equal(results['fake timers do not hang the check'], 'passed');
    assert.match(results['a test that leaks an interval fails'], /LeakError: 1 leak in test "the opt-in a test that leaks an interval fails".*\n\s+- Timeout: .*created at .*opt-in\.jest\.cjs:10:\d+/);
    assert.match(results['a test that leaks a supervised task fails'], /LeakError: 1 leak in test "the opt-in a test that leaks a supervised task fails".*\n\s+- supervised task "forgotten" not stopped, created at .*opt-in\.jest\.cjs:14:\d+/);
  });
});

describe('vitest', () => {
  test("setupFiles: ['@leakfix/runtime/testing/vitest'] fails exactly the leaking tests", timeout, async () => {
    const outputFile = join(tmpdir(), `leakfix-vitest-${process.pid}.json`);
    const result = await run([bin('vitest', 'vitest.mjs'), 'run', '--config', 'vitest.config.mjs', '--reporter=json', `--outputFile=${outputFile}`], join(FIXTURES, 'vitest'));
    let report;
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8'));
    } catch (error) {
      throw new Error(`vitest did not report: ${error.message}\n${result.output}`);
    } finally {
      rmSync(outputFile, { force: true });
    }
    const results = Object.fromEntries(report.testResults.flatMap((file) => file.assertionResults.map((entry) => [entry.title, entry.status === 'passed' ? 'passed' : entry.failureMessages.join('\n')])));
    assert.equal(results['a clean test passes'], 'passed', 'the console batching timer of vitest is not blamed');
    assert.equal(results['fake timers do not hang the check'], 'passed');
    assert.match(results['a test that leaks an interval fails'], /1 leak in test "the opt-in > a test that leaks an interval fails".*\n\s+- Timeout: .*created at .*opt-in\.fixture\.mjs:16:\d+/);
    assert.match(results['a test that leaks a supervised task fails'], /supervised task "forgotten" not stopped, created at .*opt-in\.fixture\.mjs:20:\d+/);
  });
});

describe('node:test', () => {
  test('node --import @leakfix/runtime/testing/node-test --test fails exactly the leaking tests', timeout, async () => {
    const result = await run(['--import', '@leakfix/runtime/testing/node-test', '--test', '--test-reporter=tap', 'opt-in.fixture.mjs'], join(FIXTURES, 'node-test'));
    const verdicts = [...result.output.matchAll(/^ {4}(ok|not ok) \d+ - (.*)$/gm)].map((match) => [match[2], match[1]]);
    assert.deepEqual(verdicts, [
      ['a clean test passes', 'ok'],
      ['a test that leaks an interval fails', 'not ok'],
      ['a test that leaks a supervised task fails', 'not ok'],
      ['a test that leaks a server fails', 'not ok'],
      ['mock timers do not hang the check', 'ok'],
    ], result.output);
    assert.match(result.output, /1 leak in test "a test that leaks an interval fails"/);
    assert.match(result.output, /- Timeout: .*created at .*opt-in\.fixture\.mjs:17:\d+/);
    assert.match(result.output, /- supervised task "forgotten" not stopped, created at .*opt-in\.fixture\.mjs:21:\d+/);
    assert.match(result.output, /- TCPServerWrap: listening server \(call close\(\)\), created at .*opt-in\.fixture\.mjs:25:\d+/);
    assert.doesNotMatch(result.output, /created at [^\n]*runtime[\\/]dist[\\/]/, 'never a runtime frame');
  });
});
