async function fetchCount(pool) {
  const client = await pool.connect();
  const { rows } = await client.query('SELECT count(*) AS n FROM t');
  return client.release(), rows[0].n;
}
