async function transfer(pool, from, to, amount, log) {
  const client = await pool.connect();
  try {
    try {
      await client.query('BEGIN');
      await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
      await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
      await client.query('COMMIT');
    } catch (error) {
      log.error(error);
      throw error;
    } finally {
      log.info('transfer attempted');
    }
    return true;
  } finally {
    client.release();
  }
}
