async function migrate() {
  throw new Error('migration failed');
}

migrate().then(() => process.exit(0));

migrate().finally(() => {
  process.exitCode = 0;
});

migrate().then(process.exit);
