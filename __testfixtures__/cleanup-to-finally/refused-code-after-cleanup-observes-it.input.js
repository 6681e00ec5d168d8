async function closesOnce(boot, assert) {
  const app = boot();
  let closes = 0;
  app.on('close', () => {
    closes++;
  });
  await app.ready();
  await app.close();
  assert.equal(closes, 1);
}

async function closedCount(openDb) {
  const db = await openDb();
  let closed = 0;
  db.on('close', () => {
    closed++;
  });
  await db.query('SELECT 1');
  await db.close();
  return closed;
}

async function waitThenLog(task, ms) {
  const watchdog = setTimeout(() => console.warn('slow'), ms);
  const result = await task();
  clearTimeout(watchdog);
  console.log('done');
  return result;
}

function abortThenCheck(expect) {
  const controller = new AbortController();
  const signal = controller.signal;
  expect(signal.aborted).toBe(false);
  controller.abort();
  expect(signal.aborted).toBe(true);
}
