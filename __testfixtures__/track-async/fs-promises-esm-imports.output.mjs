import { writeFile } from 'node:fs/promises';
import * as fsp from 'fs/promises';
import fs from 'fs';
import { setTimeout as sleep } from 'timers/promises';
import { track } from '@leakfix/runtime';

export function persist(path, data) {
  track(writeFile(path, data), 'persist:writeFile');
  track(fsp.appendFile(`${path}.log`, 'written\n'), 'persist:fsp.appendFile');
  track(fs.promises.unlink(`${path}.tmp`), 'persist:fs.promises.unlink');
  track(sleep(10), 'persist:sleep');
  fsp.watch(path);
}
