async function count(pool) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT count(*) FROM t');
    return rows[0].count;
  } finally {
    client.release();
  }
}

async function withTimer(work) {
  let timer;
  try {
    timer = setTimeout(() => console.warn('slow'), 1000);
    return await work();
  } finally {
    clearTimeout(timer);
  }
}
