// Records who did what. Writes are fire-and-forget so requests stay fast.
// Leak: the write's promise floats: a rejection is an unhandledRejection (a crash on Node's
// defaults), and shutdown cannot wait for writes still in flight.
import { appendFile } from 'node:fs/promises';

async function writeEntry(path: string, entry: object): Promise<void> {
  await appendFile(path, `${JSON.stringify(entry)}\n`);
}

export function recordAction(user: string, action: string): void {
  writeEntry('/var/log/app/audit.jsonl', { user, action, at: new Date().toISOString() });
}
