async function report(db, ms) {
  const conn = await db.connect();
  const slow = setTimeout(() => console.warn('slow report'), ms);
  try {
    const rows = await conn.query('SELECT 1');
    conn.release();
    return rows;
  } finally {
    clearTimeout(slow);
  }
}
