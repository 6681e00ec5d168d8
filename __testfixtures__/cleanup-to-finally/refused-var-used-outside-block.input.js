async function load(pool, wanted) {
  if (wanted) {
    var client = await pool.connect();
    await client.query('SELECT 1');
  }
  client.release();
}
