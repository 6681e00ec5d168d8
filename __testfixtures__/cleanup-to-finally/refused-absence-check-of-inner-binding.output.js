async function sync(pool, items) {
  const client = await pool.connect();
  for (const item of items) {
    const client = item.client;
    if (!client) {
      return null;
    }
    await client.send(item);
  }
  client.release();
  return items.length;
}
