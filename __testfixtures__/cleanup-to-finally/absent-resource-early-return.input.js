function cancel(timers, key) {
  const timer = timers.get(key);
  if (timer === undefined) return;
  clearTimeout(timer);
  timers.delete(key);
}

async function firstRow(pool, sql) {
  const client = await pool.connect();
  if (!client) {
    return null;
  }
  const { rows } = await client.query(sql);
  client.release();
  return rows[0];
}
