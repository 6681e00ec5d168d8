async function checkout(pool) {
  const client = await pool.connect();
  try {
    await client.query('SET statement_timeout = 5000');
  } catch (error) {
    client.release();
    throw error;
  }
  return client;
}
