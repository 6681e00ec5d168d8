async function exportTable(pool, table, log) {
  const client = await pool.connect();
  await client.query(`LOCK TABLE ${table}`);
  try {
    return await client.query(`SELECT * FROM ${table}`);
  } catch (error) {
    log.error(error);
    return null;
  } finally {
    client.release();
  }
}
