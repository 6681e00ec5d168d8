async function exportRows(pool, open) {
  const client = await pool.connect();
  try {
    const out = await open('rows.csv');
    try {
      const { rows } = await client.query('SELECT * FROM t');
      await out.write(rows);
      return rows.length;
    } finally {
      out.close();
    }
  } finally {
    await client.close();
  }
}
