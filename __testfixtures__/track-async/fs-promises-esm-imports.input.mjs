import { writeFile } from 'node:fs/promises';
import * as fsp from 'fs/promises';
import fs from 'fs';
import { setTimeout as sleep } from 'timers/promises';

export function persist(path, data) {
  writeFile(path, data);
  fsp.appendFile(`${path}.log`, 'written\n');
  fs.promises.unlink(`${path}.tmp`);
  sleep(10);
  fsp.watch(path);
}
