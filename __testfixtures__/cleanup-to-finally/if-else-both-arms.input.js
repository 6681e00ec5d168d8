async function lookup(pool, key, cache) {
  const conn = await pool.acquire();
  const hit = await conn.get(key);
  if (hit !== undefined) {
    cache.set(key, hit);
    conn.release();
    return hit;
  } else {
    const fresh = await conn.fetch(key);
    conn.release();
    return fresh;
  }
}
