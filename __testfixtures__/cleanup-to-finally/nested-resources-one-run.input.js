async function exportRows(pool, open) {
  const client = await pool.connect();
  const out = await open('rows.csv');
  const { rows } = await client.query('SELECT * FROM t');
  await out.write(rows);
  out.close();
  await client.close();
  return rows.length;
}
