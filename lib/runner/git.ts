/**
 * The few git facts the runner needs, each from one git command: the repository root, the files
 * with uncommitted changes (dirty-tree guard), and the files changed since a ref.
 * Outside a repository (or without git installed) these report "no repository" instead of failing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

/** The nearest ancestor of `dir` (itself included) that holds `.git`, or undefined. */
export function findGitRoot(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The repositories the files belong to (one lookup per directory). */
export function gitRootsOf(files: readonly string[]): string[] {
  const byDirectory = new Map<string, string | undefined>();
  const roots = new Set<string>();
  for (const file of files) {
    const dir = path.dirname(file);
    if (!byDirectory.has(dir)) byDirectory.set(dir, findGitRoot(dir));
    const root = byDirectory.get(dir);
    if (root) roots.add(root);
  }
  return [...roots];
}

function git(root: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) return { ok: false, stdout: '', stderr: result.error.message };
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** Absolute paths of files with uncommitted changes (staged, unstaged or untracked) under `root`. */
export function dirtyFiles(root: string): Set<string> | undefined {
  const result = git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (!result.ok) return undefined;
  const dirty = new Set<string>();
  const entries = result.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    dirty.add(path.join(root, entry.slice(3)));
    // Renames and copies are followed by the original path.
    if (status.includes('R') || status.includes('C')) i++;
  }
  return dirty;
}

/** Absolute paths of files changed since `ref` (committed, staged, unstaged and untracked). */
export function changedSince(root: string, ref: string): Set<string> {
  const verify = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!verify.ok) throw new UsageError(`--changed-since: unknown git ref "${ref}"`);
  const diff = git(root, ['diff', '--name-only', '-z', '--no-renames', ref, '--']);
  if (!diff.ok) throw new UsageError(`--changed-since: git diff failed: ${diff.stderr.split('\n')[0]}`);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  const files = new Set<string>();
  for (const name of [...diff.stdout.split('\0'), ...untracked.stdout.split('\0')]) {
    if (name) files.add(path.join(root, name));
  }
  return files;
}
