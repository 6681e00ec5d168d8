import { db } from './db';
import { track } from '@leakfix/runtime';

async function recordVisit(userId) {
  await db.insert('visits', { userId });
}

export function handleRequest(req, res) {
  track(recordVisit(req.userId), 'handleRequest:recordVisit');
  res.end('ok');
}
