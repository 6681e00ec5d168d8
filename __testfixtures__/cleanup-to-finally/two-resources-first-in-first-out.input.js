async function report(db, ms) {
  const conn = await db.connect();
  const slow = setTimeout(() => console.warn('slow report'), ms);
  const rows = await conn.query('SELECT 1');
  conn.release();
  clearTimeout(slow);
  return rows;
}
