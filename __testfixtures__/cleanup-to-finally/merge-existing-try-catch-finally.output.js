async function transfer(pool, from, to, amount, log) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    log.error(error);
    return false;
  } finally {
    client.release();
    log.info('transfer attempted');
  }
}
