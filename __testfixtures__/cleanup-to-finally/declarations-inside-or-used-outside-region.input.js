async function main(db) {
  const conn = await db.open();
  await conn.migrate();
  const text = summary();
  conn.close();
  return text;

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
