/**
 * Benchmark runs (e) and (f), each in one process on one core:
 *   node dist/bench/floors.js read  <root> <file-list>   reads every file as text (the I/O floor);
 *   node dist/bench/floors.js parse <root> <file-list>   parses every file with plain @babel/parser,
 *     the parser picked per file by leakfix's table, no tokens (the parse floor).
 * The file list has one path per line, relative to <root>. Prints a JSON summary on stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseForDetection, parserForFile } from '../lib/parsers';

interface FloorSummary {
  mode: string;
  files: number;
  bytes: number;
  parseErrors: number;
}

export function runFloor(mode: 'read' | 'parse', root: string, files: readonly string[]): FloorSummary {
  let bytes = 0;
  let parseErrors = 0;
  for (const file of files) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    bytes += source.length;
    if (mode !== 'parse') continue;
    try {
      parseForDetection(source.replace(/^\uFEFF?#![^\n]*/, ''), parserForFile(file, source));
    } catch {
      parseErrors++;
    }
  }
  return { mode, files: files.length, bytes, parseErrors };
}

if (require.main === module) {
  const [mode, root, listFile] = process.argv.slice(2);
  if ((mode !== 'read' && mode !== 'parse') || !root || !listFile) {
    process.stderr.write('usage: floors.js read|parse <root> <file-list>\n');
    process.exit(2);
  }
  const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  process.stdout.write(`${JSON.stringify(runFloor(mode, root, files))}\n`);
}
