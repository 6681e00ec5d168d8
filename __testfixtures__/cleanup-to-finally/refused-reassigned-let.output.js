async function retry(connect, attempts) {
  let conn = await connect();
  try {
    await conn.ping();
  } catch {
    conn.close();
    conn = await connect();
  }
  const value = await conn.read();
  conn.close();
  return value;
}
