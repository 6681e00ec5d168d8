async function transfer(pool, from, to, amount, log) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
    await client.query('COMMIT');
    client.release();
    return true;
  } catch (error) {
    log.error(error);
    client.release();
    return false;
  } finally {
    log.info('transfer attempted');
  }
}
