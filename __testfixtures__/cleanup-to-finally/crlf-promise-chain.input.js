function fetchJson(client, url, ms) {
  const timer = setTimeout(() => client.abortAll(), ms);
  return client
    .get(url)
    .then((response) => {
      clearTimeout(timer);
      return response.body;
    })
    .catch((error) => {
      clearTimeout(timer);
      return { error: error.message };
    });
}

async function ping(pool) {
  const client = await pool.connect();
  const { rows } = await client.query("SELECT 1");
  if (rows.length === 0) {
    client.release();
    return null;
  }
  client.release();
  return rows[0];
}
