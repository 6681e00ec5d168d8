let busy = false;

async function transfer(pool, from, to, amount, log) {
  const client = await pool.connect();
  try {
    busy = true;
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
    await client.query('COMMIT');
  } catch (error) {
    log.error(error);
    throw error;
  } finally {
    busy = false;
    client.release();
  }
  return true;
}
