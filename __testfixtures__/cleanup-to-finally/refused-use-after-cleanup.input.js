async function report(pool) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT * FROM events');
  client.release();
  console.log('released', client.processID);
  return rows;
}

async function settle(queue) {
  const timer = setTimeout(() => queue.flush(), 100);
  await queue.drain();
  clearTimeout(timer);
  await queue.close();
  return true;
}
