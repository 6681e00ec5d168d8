function load(conn, id) {
  const timer = setTimeout(() => conn.cancel(), 1000);
  return conn
    .query(id)
    .then((row) => {
      clearTimeout(timer);
      return row;
    })
    .catch((error) => {
      clearTimeout(timer);
      console.warn('timer was', timer);
      throw error;
    });
}

function save(conn, row) {
  const timer = setTimeout(() => conn.cancel(), 1000);
  const saved = conn
    .insert(row)
    .then((r) => {
      clearTimeout(timer);
      return r;
    })
    .catch((error) => {
      clearTimeout(timer);
      throw error;
    });
  timer.unref();
  return saved;
}
