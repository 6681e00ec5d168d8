async function main(db) {
  const conn = await db.open();
  try {
    await conn.migrate();
    const text = summary();
    return text;

    function summary() {
      return 'migrated';
    }
  } finally {
    conn.close();
  }
}

const report = () => helper();
const timer = setTimeout(() => {}, 10);
report();
clearTimeout(timer);
function helper() {
  return 1;
}
