import { connect } from './db';

(async () => {
  const db = await connect();
  await db.migrate();
})();

(async function seed() {
  await connect();
})();
