async function exportTable(pool, table) {
  const client = await pool.connect();
  await client.query(`LOCK TABLE ${table}`);
  try {
    return await client.query(`SELECT * FROM ${table}`);
  } finally {
    client.release();
  }
}
