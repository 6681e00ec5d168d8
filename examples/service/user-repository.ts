// Reads a user with a pooled client (node-postgres style).
// Leak: `client.release()` runs before each return, but a throwing query skips it and the
// pool slowly runs dry.
interface PoolClient {
  query(sql: string, params: unknown[]): Promise<{ rows: Array<{ id: string; name: string }> }>;
  release(): void;
}
interface Pool {
  connect(): Promise<PoolClient>;
}

export async function findUser(pool: Pool, id: string) {
  const client = await pool.connect();
  const result = await client.query('SELECT id, name FROM users WHERE id = $1', [id]);
  if (result.rows.length === 0) {
    client.release();
    return null;
  }
  const user = result.rows[0];
  client.release();
  return user;
}
