async function copyRows(sourcePool, targetPool) {
  const source = await sourcePool.connect();
  const target = await targetPool.connect();
  const { rows } = await source.query('SELECT * FROM items');
  for (const row of rows) {
    await target.query('INSERT INTO items VALUES ($1)', [row.id]);
  }
  target.release();
  source.release();
  return rows.length;
}
