/**
 * The nearest package.json above a file, for `--split-by package` and the PR body's runtime
 * dependency list. A small stand-in: issue 17's lib/context/ carries the nearest package per file
 * on the rule context, and this should use it once both are merged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findGitRoot } from './git';

const cache = new Map<string, string | undefined>();

/**
 * The absolute path of the package.json nearest to `file` (its own directory first), not looking
 * above the file's git repository root; undefined when there is none.
 */
export function nearestPackageJson(file: string, _cwd?: string): string | undefined {
  const start = path.dirname(path.resolve(file));
  const root = findGitRoot(start);
  const visited: string[] = [];
  let found: string | undefined;
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (cache.has(dir)) {
      found = cache.get(dir);
      break;
    }
    visited.push(dir);
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      found = candidate;
      break;
    }
    if (dir === root || path.dirname(dir) === dir) break;
  }
  for (const dir of visited) cache.set(dir, found);
  return found;
}
