// Reads the newest snapshot, holding the lock only while reading.
async function readSnapshot(locks, store) {
  const lock = await locks.acquire('snapshot'); // exclusive
  /* newest first */
  const keys = await store.keys();
  if (keys.length === 0) {
    // nothing stored yet
    lock.release();
    return null;
  }
  const latest = await store.get(keys[0]); // may throw on a corrupt entry
  lock.release();
  return latest;
}
