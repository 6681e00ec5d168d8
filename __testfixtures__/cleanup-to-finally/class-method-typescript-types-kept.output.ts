import type { Pool, PoolClient, QueryResult } from 'pg';

interface Order {
  id: string;
  total: number;
}

export class OrderRepository {
  constructor(private readonly pool: Pool) {}

  async byId(id: string): Promise<Order | undefined> {
    const client: PoolClient = await this.pool.connect();
    try {
      const result: QueryResult<Order> = await client.query<Order>('SELECT * FROM orders WHERE id = $1', [id]);
      if (result.rowCount === 0) {
        return undefined;
      }
      const order = result.rows[0] as Order;
      return order;
    } finally {
      client.release();
    }
  }
}
