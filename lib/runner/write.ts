/**
 * Atomic writes: the new text goes to a temporary file in the same directory (same file system,
 * so the rename is atomic), with the original's mode, and is renamed over the original only if the
 * file on disk still has the bytes that were transformed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashBytes } from './process-file';

/** `readOnly`: the file had no write permission bit set and was replaced anyway (the rename needs only the directory). */
export type WriteOutcome = { ok: true; readOnly: boolean } | { ok: false; reason: 'changed-since-read' | 'write-failed'; message: string };

let counter = 0;

export function writeIfUnchanged(absolute: string, output: string, originalHash: string): WriteOutcome {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
    if (hashBytes(fs.readFileSync(absolute)) !== originalHash) {
      return { ok: false, reason: 'changed-since-read', message: 'the file changed on disk while leakfix was running; it was not written (run again)' };
    }
  } catch (error) {
    return { ok: false, reason: 'changed-since-read', message: `the file can no longer be read: ${(error as Error).message.split('\n')[0]}` };
  }
  const temporary = path.join(path.dirname(absolute), `.${path.basename(absolute)}.leakfix-${process.pid}-${counter++}.tmp`);
  try {
    fs.writeFileSync(temporary, output, { encoding: 'utf8', mode: stat.mode & 0o7777, flag: 'wx' });
    // writeFile's mode is filtered by the umask; chmod sets exactly the original's.
    fs.chmodSync(temporary, stat.mode & 0o7777);
    fs.renameSync(temporary, absolute);
    return { ok: true, readOnly: (stat.mode & 0o222) === 0 };
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // nothing left to clean up
    }
    return { ok: false, reason: 'write-failed', message: (error as Error).message.split('\n')[0] };
  }
}
