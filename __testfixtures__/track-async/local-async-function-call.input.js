import { db } from './db';

async function recordVisit(userId) {
  await db.insert('visits', { userId });
}

export function handleRequest(req, res) {
  recordVisit(req.userId);
  res.end('ok');
}
