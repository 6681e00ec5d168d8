async function exportTable(pool, table) {
  const client = await pool.connect();
  try {
    await client.query(`LOCK TABLE ${table}`);
    return await client.query(`SELECT * FROM ${table}`);
  } finally {
    client.release();
  }
}
