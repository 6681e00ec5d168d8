async function migrate(pool, steps) {
  const client = await pool.connect();
  try {
    for (const step of steps) {
      await client.query(step);
    }
  } finally {
    client.release();
  }
  return steps.length;
}
