async function copyRows(sourcePool, targetPool) {
  const source = await sourcePool.connect();
  try {
    const target = await targetPool.connect();
    try {
      const { rows } = await source.query('SELECT * FROM items');
      for (const row of rows) {
        await target.query('INSERT INTO items VALUES ($1)', [row.id]);
      }
      return rows.length;
    } finally {
      target.release();
    }
  } finally {
    source.release();
  }
}
