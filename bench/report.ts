/**
 * Shared by the bench scripts: where things are, the BENCHMARKS.md sections, and the snapshot of
 * dist/ the long runs execute from.
 *
 * BENCHMARKS.md is shared by `npm run bench` and `npm run sweep`: each owns the text between its
 * markers (`<!-- bench:start -->` ... `<!-- bench:end -->`) and leaves the rest, hand-written
 * analysis included, alone.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'leakfix') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no leakfix package.json above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
/** The compiled tree these modules run from: dist/, or its snapshot. */
export const DIST_ROOT = path.resolve(__dirname, '..');

/** The commit the measured code comes from, `+` when the working tree had uncommitted changes. */
let version: string | undefined;

/** Memoised: call it when the run starts, before HEAD can move. */
export function codeVersion(): string {
  version ??= readCodeVersion();
  return version;
}

function readCodeVersion(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown commit';
  return `commit ${head.stdout.trim()}${dirty.stdout.trim() ? '+' : ''}`;
}

export function replaceSection(file: string, name: string, content: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, next);
}

const SNAPSHOT_ENV = 'LEAKFIX_BENCH_SNAPSHOT';

/**
 * A long run must not see dist/ change under it (a rebuild halfway through would mix two versions
 * of the transforms, and worker threads load them late). Unless already running from one, copy
 * dist/ to .cache/bench-dist-<pid>/ (gitignored, removed afterwards; module resolution still
 * reaches the repository's node_modules) and run the same script from there. Returns true when
 * the caller should stop (the snapshot run happened and set the exit code).
 */
export function relaunchFromSnapshot(script: string): boolean {
  if (process.env[SNAPSHOT_ENV] || process.argv.includes('--no-snapshot')) return false;
  // One folder per run, so a second bench or sweep started meanwhile cannot pull it from under this one.
  const snapshot = path.join(REPO_ROOT, '.cache', `bench-dist-${process.pid}`);
  fs.mkdirSync(path.dirname(snapshot), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'dist'), snapshot, { recursive: true });
  try {
    const result = spawnSync(process.execPath, [path.join(snapshot, 'bench', script), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, [SNAPSHOT_ENV]: '1' },
    });
    process.exitCode = result.status ?? 1;
  } finally {
    fs.rmSync(snapshot, { recursive: true, force: true });
  }
  return true;
}
