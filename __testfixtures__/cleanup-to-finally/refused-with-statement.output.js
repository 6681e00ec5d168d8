function legacy(pool, scope) {
  const client = pool.connectSync();
  with (scope) {
    client.query(sql);
  }
  client.release();
}
