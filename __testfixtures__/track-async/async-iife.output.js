import { connect } from './db';
import { track } from '@leakfix/runtime';

track((async () => {
  const db = await connect();
  await db.migrate();
})(), 'async IIFE');

track((async function seed() {
  await connect();
})(), 'seed');
