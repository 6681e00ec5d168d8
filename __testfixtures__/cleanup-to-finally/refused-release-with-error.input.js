async function insert(pool, row) {
  const client = await pool.connect();
  try {
    await client.query('INSERT INTO t VALUES ($1)', [row]);
  } catch (error) {
    // a broken connection must not go back to the pool
    client.release(error);
    throw error;
  }
  client.release();
}
