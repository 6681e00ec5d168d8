async function handle(pool, command) {
  const client = await pool.connect();
  try {
    let result;
    switch (command.type) {
      case 'read':
        result = await client.query('SELECT 1');
        break;
      case 'write':
        result = await client.query('UPDATE t SET x = 1');
        break;
      default:
        return null;
    }
    return result.rows;
  } finally {
    client.release();
  }
}
