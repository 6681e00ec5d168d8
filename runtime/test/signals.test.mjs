// handleShutdownSignals installs once and removes exactly what it added.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handleShutdownSignals } from '@leakfix/runtime';

test('a second call returns the same remover; removing restores the listeners', () => {
  const before = ['SIGTERM', 'SIGINT'].map((signal) => process.listenerCount(signal));
  const remove = handleShutdownSignals();
  assert.equal(handleShutdownSignals({ timeoutMs: 1 }), remove);
  assert.deepEqual(['SIGTERM', 'SIGINT'].map((signal) => process.listenerCount(signal)), before.map((count) => count + 1));
  remove();
  assert.deepEqual(['SIGTERM', 'SIGINT'].map((signal) => process.listenerCount(signal)), before);
  const again = handleShutdownSignals({ signals: ['SIGHUP'] });
  assert.notEqual(again, remove, 'installable again after removal');
  assert.equal(process.listenerCount('SIGHUP'), 1);
  again();
  assert.equal(process.listenerCount('SIGHUP'), 0);
});
