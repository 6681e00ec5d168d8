async function lookup(pool, key, cache) {
  const conn = await pool.acquire();
  try {
    const hit = await conn.get(key);
    if (hit !== undefined) {
      cache.set(key, hit);
      return hit;
    } else {
      const fresh = await conn.fetch(key);
      return fresh;
    }
  } finally {
    conn.release();
  }
}
