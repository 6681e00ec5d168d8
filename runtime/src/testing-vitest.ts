/**
 * One line to leak-check every vitest test: `setupFiles: ['@leakfix/runtime/testing/vitest']`.
 * The probe's hooks are registered before the test file's, so its check runs after the file's own
 * afterEach (vitest runs afterEach hooks in reverse), after `vi.useRealTimers()` there.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { installLeakChecks } from './testing.js';

installLeakChecks({
  beforeEach,
  afterEach,
  testName: () => expect.getState().currentTestName,
});
