import { writeFile } from 'node:fs/promises';
import * as fsp from 'fs/promises';
import fs from 'fs';
import { setTimeout as sleep } from 'timers/promises';
import { track } from '@leakfix/runtime';

export function persist(path, data) {
  track(writeFile(path, data), 'writeFile');
  track(fsp.appendFile(`${path}.log`, 'written\n'), 'fsp.appendFile');
  track(fs.promises.unlink(`${path}.tmp`), 'fs.promises.unlink');
  track(sleep(10), 'sleep');
  fsp.watch(path);
}
