/**
 * Finds the files a run looks at. Directories are walked with `.gitignore` honoured the way git
 * does it (nested files, parent files up to the repository root, `.git/info/exclude`, later and
 * deeper patterns winning, nothing re-included under an ignored directory), and outside a git
 * repository too. Dependencies, build output, declaration files and `*.min.js` are left out by
 * name; content-based skips (binary, generated, too large) happen later, per file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { FileRecord } from './records';
import { UsageError } from './errors';
import { findGitRoot } from './git';

export const DEFAULT_EXTENSIONS: readonly string[] = ['js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts'];

/** Directory names never walked into (they can still be named as a path explicitly). */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  '.git', '.hg', '.svn', 'node_modules', 'bower_components', 'jspm_packages', '.yarn', '.pnpm-store',
  'dist', 'build', 'out', 'coverage', '.nyc_output', '.next', '.nuxt', '.svelte-kit', '.turbo',
  '.cache', '.parcel-cache', '.vercel', '.output', '.docusaurus', '.expo', 'storybook-static',
]);

const DECLARATION_FILE = /\.d\.[cm]?ts$/i;
const MINIFIED_NAME = /[.-]min\.[cm]?js$/i;

export interface DiscoveryOptions {
  cwd: string;
  /** Files and directories named on the command line: a missing one is a usage error. */
  paths: readonly string[];
  /** Files listed by `--files-from`: a missing one is skipped with reason `not-found`. */
  listedFiles?: readonly string[];
  extensions: readonly string[];
  include: readonly string[];
  exclude: readonly string[];
}

export interface Discovery {
  /** cwd-relative, forward slashes, sorted, unique. */
  files: string[];
  /** Files named explicitly but left out, each with its reason. */
  skipped: FileRecord[];
  /** Default skips a `.gitignore` negation undid (`!packages/node_modules`), one line each. */
  notes: string[];
}

interface IgnoreLevel {
  dir: string;
  matcher: Ignore;
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function readIgnoreFile(file: string): Ignore | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return ignore().add(text);
}

function levelFor(dir: string, file = '.gitignore'): IgnoreLevel | undefined {
  const matcher = readIgnoreFile(path.join(dir, file));
  return matcher ? { dir, matcher } : undefined;
}

/** The deepest level with an opinion decides, as in git: a deeper `!pattern` re-includes. */
function ignoreVerdict(levels: readonly IgnoreLevel[], absolute: string, isDirectory: boolean): { ignored: boolean; unignoredBy?: string } {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    const relative = toPosix(path.relative(level.dir, absolute));
    if (relative === '' || relative.startsWith('..')) continue;
    const verdict = level.matcher.test(isDirectory ? `${relative}/` : relative);
    if (verdict.ignored) return { ignored: true };
    if (verdict.unignored) return { ignored: false, unignoredBy: path.join(level.dir, '.gitignore') };
  }
  return { ignored: false };
}

function isIgnored(levels: readonly IgnoreLevel[], absolute: string, isDirectory: boolean): boolean {
  return ignoreVerdict(levels, absolute, isDirectory).ignored;
}

/** Ignore files that apply above a walk's starting directory: from the git root down to its parent. */
function ancestorLevels(start: string): IgnoreLevel[] {
  const root = findGitRoot(start);
  if (!root) return [];
  const levels: IgnoreLevel[] = [];
  const exclude = levelFor(path.join(root, '.git', 'info'), 'exclude');
  if (exclude) levels.push({ dir: root, matcher: exclude.matcher });
  const chain: string[] = [];
  const inside = (dir: string): boolean => dir === root || dir.startsWith(root + path.sep);
  for (let dir = path.dirname(start); inside(dir); dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (dir === root) break;
  }
  for (const dir of chain) {
    const level = levelFor(dir);
    if (level) levels.push(level);
  }
  return levels;
}

/**
 * Why a file is left out by its name (a path relative to the cwd, forward slashes), or undefined
 * when it is kept: its extension, a declaration or minified file, --include, --exclude. What a
 * file named on the command line (or given by --print or --stdin-filename) goes through.
 */
export function nameFilterFor(options: Pick<DiscoveryOptions, 'extensions' | 'include' | 'exclude'>): (relative: string) => string | undefined {
  const extensions = new Set(options.extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
  const globOptions = { dot: true, basename: false };
  const includeMatchers = options.include.map((g) => picomatch(g, { ...globOptions, basename: !g.includes('/') }));
  const excludeMatchers = options.exclude.map((g) => picomatch(g, { ...globOptions, basename: !g.includes('/') }));
  return (relative) => {
    const base = relative.slice(relative.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    if (dot < 0 || !extensions.has(base.slice(dot + 1).toLowerCase())) return 'extension';
    if (DECLARATION_FILE.test(base)) return 'declaration-file';
    if (MINIFIED_NAME.test(base)) return 'minified';
    if (includeMatchers.length > 0 && !includeMatchers.some((m) => m(relative))) return 'not-included';
    if (excludeMatchers.some((m) => m(relative))) return 'excluded';
    return undefined;
  };
}

export function discoverFiles(options: DiscoveryOptions): Discovery {
  const found = new Set<string>();
  const skipped = new Map<string, FileRecord>();
  const notes: string[] = [];

  const relativeOf = (absolute: string): string => toPosix(path.relative(options.cwd, absolute)) || path.basename(absolute);

  /** Why a file is left out by name, or undefined when it is kept. */
  const nameFilter = nameFilterFor(options);

  const skip = (relative: string, reason: string, message?: string): void => {
    const record: FileRecord = { path: relative, status: 'skipped', reason, findings: [], durationMs: 0, parsed: false };
    if (message) record.message = message;
    skipped.set(relative, record);
  };

  /** Named on the command line: a file left out is reported. Listed by --files-from: other kinds of file are dropped quietly. */
  const addExplicitFile = (absolute: string, named: boolean): void => {
    const relative = relativeOf(absolute);
    const reason = nameFilter(relative);
    if (reason === undefined) found.add(relative);
    else if (named || reason !== 'extension') skip(relative, reason);
  };

  const walk = (dir: string, levels: IgnoreLevel[]): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const own = levelFor(dir);
    const here = own ? [...levels, own] : levels;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) {
          // A `.gitignore` negation (`!packages/node_modules`) says the folder is source: walk it.
          const verdict = entry.name === '.git' ? { ignored: true } : ignoreVerdict(here, absolute, true);
          if (!verdict.unignoredBy) continue;
          notes.push(`${relativeOf(absolute)}/: scanned although ${entry.name}/ is skipped by default, because ${relativeOf(verdict.unignoredBy)} re-includes it`);
          walk(absolute, here);
          continue;
        }
        if (isIgnored(here, absolute, true)) continue;
        walk(absolute, here);
      } else if (entry.isFile()) {
        if (isIgnored(here, absolute, false)) continue;
        const relative = relativeOf(absolute);
        if (nameFilter(relative) === undefined) found.add(relative);
      }
      // Symbolic links are not followed: a walk must not loop, and a write must not replace a link.
    }
  };

  for (const given of options.paths) {
    const absolute = path.resolve(options.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new UsageError(`path not found: ${given}`);
    }
    if (stat.isDirectory()) walk(absolute, ancestorLevels(absolute));
    else addExplicitFile(absolute, true);
  }
  for (const listed of options.listedFiles ?? []) {
    const absolute = path.resolve(options.cwd, listed);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(absolute);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      const relative = relativeOf(absolute);
      if (nameFilter(relative) !== 'extension') skip(relative, 'not-found', 'listed in --files-from but not found');
    }
    else if (stat.isDirectory()) walk(absolute, ancestorLevels(absolute));
    else addExplicitFile(absolute, false);
  }

  for (const file of found) skipped.delete(file);
  return { files: [...found].sort(), skipped: [...skipped.values()].sort((a, b) => (a.path < b.path ? -1 : 1)), notes };
}
