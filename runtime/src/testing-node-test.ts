/**
 * One line to leak-check every node:test test: `node --import @leakfix/runtime/testing/node-test --test`.
 * Each test gets a probe before it and a check after it (see installLeakChecks); a test that leaks
 * fails with a LeakError naming the test, the resource and where it was created. Options:
 * configureLeakChecks() from @leakfix/runtime/testing, in a file of your own loaded with --import.
 */
import { afterEach, beforeEach } from 'node:test';
import { installLeakChecks } from './testing.js';

installLeakChecks({
  beforeEach,
  afterEach,
  testName: (context?: { name?: unknown }) => (typeof context?.name === 'string' ? context.name : undefined),
});
