/**
 * One line to leak-check every jest test: `setupFilesAfterEnv: ['@leakfix/runtime/testing/jest']`
 * (jest's name for the files that run in each test file's environment, after the framework).
 * Uses jest's globals; checks poll with real timers even under jest's fake timers.
 */
import { installLeakChecks } from './testing.js';

interface JestGlobals {
  beforeEach(hook: () => unknown): void;
  afterEach(hook: () => unknown): void;
  expect: { getState(): { currentTestName?: string } };
}

const runner = globalThis as unknown as JestGlobals;
installLeakChecks({
  beforeEach: runner.beforeEach,
  afterEach: runner.afterEach,
  testName: () => runner.expect.getState().currentTestName,
});
