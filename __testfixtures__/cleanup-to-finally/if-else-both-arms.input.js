async function lookup(pool, key, cache) {
  const conn = await pool.acquire();
  const hit = await conn.get(key);
  if (hit !== undefined) {
    conn.release();
    cache.set(key, hit);
    return hit;
  } else {
    const fresh = await conn.fetch(key);
    conn.release();
    return fresh;
  }
}
