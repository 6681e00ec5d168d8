async function findUser(pool, id) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT * FROM users WHERE id = $1', [id]);
  if (rows.length === 0) {
    client.release();
    return null;
  }
  // done with the client
  client.release();
  return rows[0];
}
