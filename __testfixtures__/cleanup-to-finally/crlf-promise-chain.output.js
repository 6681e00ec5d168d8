function fetchJson(client, url, ms) {
  const timer = setTimeout(() => client.abortAll(), ms);
  return client
    .get(url)
    .then((response) => {
      return response.body;
    })
    .catch((error) => {
      return { error: error.message };
    })
    .finally(() => {
      clearTimeout(timer);
    });
}

async function ping(pool) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query("SELECT 1");
    if (rows.length === 0) {
      return null;
    }
    return rows[0];
  } finally {
    client.release();
  }
}
