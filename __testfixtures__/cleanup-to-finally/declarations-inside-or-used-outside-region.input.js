async function main(db) {
  const conn = await db.open();
  await conn.migrate();
  conn.close();
  return summary();

  function summary() {
    return 'migrated';
  }
}

const report = () => helper();
const timer = setTimeout(() => {}, 10);
report();
clearTimeout(timer);
function helper() {
  return 1;
}
