async function ping(pool) {
  const client = await pool.connect();
  await client.query('SELECT 1');
  client.release();
}
