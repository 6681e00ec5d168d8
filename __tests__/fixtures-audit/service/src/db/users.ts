interface Client {
  query(sql: string, args?: unknown[]): Promise<{ rows: unknown[] }>;
  release(error?: Error): void;
}

export async function findUser(pool: { connect(): Promise<Client> }, id: string): Promise<unknown> {
  const client = await pool.connect();
  const result = await client.query('select * from users where id = $1', [id]);
  client.release();
  return result.rows[0];
}

export async function countUsers(pool: { connect(): Promise<Client> }): Promise<number> {
  const client = await pool.connect();
  try {
    const result = await client.query('select count(*) from users');
    return result.rows.length;
  } finally {
    client.release();
  }
}

export async function deleteUser(pool: { connect(): Promise<Client> }, id: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('delete from users where id = $1', [id]);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  client.release();
}
