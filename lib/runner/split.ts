/**
 * `--split-by package|directory:N|codeowners --out-dir DIR`: the changed files of a run cut into
 * reviewable groups, each written as a patch (`git apply`-able from the repository root), a PR
 * body and a JSON report, plus `DIR/README.md`, an index of the groups with their file and site
 * counts and owners. Every changed file lands in exactly one group; groups and their order depend
 * only on the paths (and CODEOWNERS / package.json files), so the same input gives the same split.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markdownCell, plural } from '../text';
import { loadCodeowners, ownersOf, type Codeowners } from './codeowners';
import { unifiedDiff } from './diff';
import { UsageError } from './errors';
import { findGitRoot } from './git';
import { nearestPackageJson } from './packages';
import { formatPrBody, type PrBodyInput } from './pr-body';
import type { FileRecord } from './records';
import { jsonReport } from './report';
import type { RunResult } from './run';
import { summarize } from './summary';

export type SplitBy = { kind: 'package' } | { kind: 'directory'; depth: number } | { kind: 'codeowners' };

export function parseSplitBy(text: string): SplitBy {
  if (text === 'package') return { kind: 'package' };
  if (text === 'codeowners') return { kind: 'codeowners' };
  const match = /^directory(?::(\d+))?$/.exec(text);
  if (match) {
    const depth = match[1] === undefined ? 1 : Number(match[1]);
    if (depth < 1) throw new UsageError(`--split-by ${text}: the depth must be at least 1`);
    return { kind: 'directory', depth };
  }
  throw new UsageError(`--split-by: expected package, directory:N or codeowners, got "${text}"`);
}

export interface SplitGroup {
  /** File-name-safe and unique: `packages-api`, `team-web-2-of-3`, `unowned`. */
  id: string;
  /** What the files share: a package directory, a directory prefix, or the owners. */
  key: string;
  owners: string[];
  /** `{ index, count }` when --max-files cut the group. */
  part?: { index: number; count: number };
  records: FileRecord[];
}

const UNOWNED = '(unowned)';
const NO_PACKAGE = '(no package.json)';

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The repository root the patches are relative to: the git root, else the run's cwd. */
export function patchRoot(cwd: string): string {
  return findGitRoot(cwd) ?? cwd;
}

function slug(key: string): string {
  if (key === '.') return 'root';
  if (key === UNOWNED) return 'unowned';
  if (key === NO_PACKAGE) return 'no-package-json';
  const text = key
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return text || 'group';
}

function compareKeys(a: string, b: string): number {
  const special = (k: string): number => (k === UNOWNED || k === NO_PACKAGE ? 1 : 0);
  return special(a) - special(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export interface SplitOptions {
  by: SplitBy;
  cwd: string;
  /** At most this many files per group; larger groups are cut into parts, in path order. */
  maxFiles?: number;
}

/** The changed records of a run, grouped. */
export function splitRecords(records: readonly FileRecord[], options: SplitOptions): { groups: SplitGroup[]; codeowners?: Codeowners } {
  const root = patchRoot(options.cwd);
  const codeowners = options.by.kind === 'codeowners' ? loadCodeowners(root) : undefined;
  if (codeowners && !codeowners.file) throw new UsageError('--split-by codeowners: no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS)');
  const byKey = new Map<string, { owners: string[]; records: FileRecord[] }>();
  const changed = records.filter((r) => r.status === 'changed').sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const record of changed) {
    const absolute = path.resolve(options.cwd, record.path);
    const repoPath = toPosix(path.relative(root, absolute));
    let key: string;
    let owners: string[] = [];
    switch (options.by.kind) {
      case 'package': {
        const manifest = nearestPackageJson(absolute);
        key = manifest ? toPosix(path.relative(root, path.dirname(manifest))) || '.' : NO_PACKAGE;
        break;
      }
      case 'directory': {
        const dirs = repoPath.split('/').slice(0, -1);
        key = dirs.length === 0 ? '.' : dirs.slice(0, options.by.depth).join('/');
        break;
      }
      case 'codeowners':
        owners = ownersOf(codeowners!, repoPath);
        key = owners.length === 0 ? UNOWNED : owners.join(' ');
        break;
    }
    const group = byKey.get(key) ?? { owners, records: [] };
    group.records.push(record);
    byKey.set(key, group);
  }
  const groups: SplitGroup[] = [];
  const used = new Set<string>();
  const unique = (base: string): string => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  for (const key of [...byKey.keys()].sort(compareKeys)) {
    const { owners, records: files } = byKey.get(key)!;
    const size = options.maxFiles && options.maxFiles > 0 ? options.maxFiles : files.length;
    const count = Math.ceil(files.length / size);
    const base = slug(key);
    for (let i = 0; i < count; i++) {
      const group: SplitGroup = { id: unique(count > 1 ? `${base}-${i + 1}-of-${count}` : base), key, owners, records: files.slice(i * size, (i + 1) * size) };
      if (count > 1) group.part = { index: i + 1, count };
      groups.push(group);
    }
  }
  const result: { groups: SplitGroup[]; codeowners?: Codeowners } = { groups };
  if (codeowners) result.codeowners = codeowners;
  return result;
}

/** The diff's `diff --git` / `---` / `+++` lines for another path (quoted the way git quotes). */
function rebaseDiff(diff: string, from: string, to: string): string {
  if (from === to) return diff;
  const hunk = diff.indexOf('\n@@');
  if (hunk < 0) return diff;
  const header = unifiedDiff(to, 'a\n', 'b\n');
  return header.slice(0, header.indexOf('\n@@')) + diff.slice(hunk);
}

/** The group's diffs, concatenated, with paths relative to the repository root. */
export function groupPatch(group: SplitGroup, cwd: string): string {
  const root = patchRoot(cwd);
  return group.records
    .filter((r) => r.diff)
    .map((r) => rebaseDiff(r.diff!, r.path, toPosix(path.relative(root, path.resolve(cwd, r.path)))))
    .join('');
}

function sitesOf(records: readonly FileRecord[]): number {
  return records.reduce((n, r) => n + r.findings.filter((f) => f.status === 'fixed').length, 0);
}

function describeGroup(group: SplitGroup, by: SplitBy): string {
  const part = group.part ? ` (part ${group.part.index} of ${group.part.count})` : '';
  switch (by.kind) {
    case 'package':
      return group.key === NO_PACKAGE ? `Files outside any package${part}` : `Package \`${group.key}\`${part}`;
    case 'directory':
      return `${group.key === '.' ? 'Files at the repository root' : `Directory \`${group.key}/\``}${part}`;
    case 'codeowners':
      return `${group.owners.length === 0 ? 'Files with no owner in CODEOWNERS' : `Owned by ${group.owners.join(', ')}`}${part}`;
  }
}

export type SplitSource = PrBodyInput & Pick<RunResult, 'dirtyRefused'> & { shard?: string };

export interface SplitWritten {
  groups: SplitGroup[];
  outDir: string;
}

/** Writes DIR/<id>.patch, DIR/<id>.md, DIR/<id>.json per group and DIR/README.md. */
export function writeSplit(source: SplitSource, options: SplitOptions & { outDir: string; version: string }): SplitWritten {
  const { groups, codeowners } = splitRecords(source.records, options);
  const outDir = path.resolve(options.cwd, options.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const rows: string[] = [];
  for (const group of groups) {
    const summary = summarize(group.records, source.transforms, 0);
    const sub: SplitSource = { ...source, records: group.records, summary, dirtyRefused: [] };
    const title = describeGroup(group, options.by);
    const intro = [`${title}: ${plural(group.records.length, 'file')}.`];
    if (group.owners.length > 0) intro.push(`Owners (CODEOWNERS): ${group.owners.join(' ')}`);
    intro.push(`Apply with \`git apply ${group.id}.patch\` from the repository root.`);
    fs.writeFileSync(path.join(outDir, `${group.id}.patch`), groupPatch(group, options.cwd));
    fs.writeFileSync(path.join(outDir, `${group.id}.md`), formatPrBody(sub, options.version, { title: `Fix resource leaks: ${title.replace(/`/g, '')}`, intro }));
    const report = { ...jsonReport({ ...(sub as unknown as RunResult), shard: source.shard }, options.version), group: { id: group.id, key: group.key, owners: group.owners, ...(group.part ? { part: group.part } : {}) } };
    fs.writeFileSync(path.join(outDir, `${group.id}.json`), `${JSON.stringify(report, null, 2)}\n`);
    rows.push(
      `| \`${group.id}\` | ${markdownCell(describeGroup(group, options.by))} | ${group.owners.length > 0 ? markdownCell(group.owners.join(' ')) : '—'} | ${group.records.length} | ${sitesOf(group.records)} | [patch](${group.id}.patch) · [PR body](${group.id}.md) · [json](${group.id}.json) |`,
    );
  }
  const changed = groups.reduce((n, g) => n + g.records.length, 0);
  const index = [
    '# leakfix: the migration, split for review',
    '',
    `${plural(groups.length, 'group')}, ${plural(changed, 'changed file')}, ${plural(sitesOf(source.records), 'site')}, split by ${
      options.by.kind === 'directory' ? `directory (depth ${options.by.depth})` : options.by.kind === 'codeowners' ? `CODEOWNERS (\`${codeowners?.file}\`, last match wins)` : 'nearest package.json'
    }${options.maxFiles ? `, at most ${plural(options.maxFiles, 'file')} per group` : ''}.`,
    '',
    'Each group is one pull request: `git apply <id>.patch` from the repository root, then `gh pr create --body-file <id>.md`.',
    '',
  ];
  if (groups.length === 0) index.push('No file would change: nothing to split.', '');
  else index.push('| Group | What | Owners | Files | Sites | Output |', '|---|---|---|---:|---:|---|', ...rows, '');
  const reviewElsewhere = source.records.filter((r) => r.status !== 'changed').reduce((n, r) => n + r.findings.filter((f) => f.status === 'refused').length, 0);
  if (reviewElsewhere > 0) index.push(`${plural(reviewElsewhere, 'site')} in files that do not change ${reviewElsewhere === 1 ? 'is' : 'are'} left for manual review and in no group: run \`leakfix audit\` to list them.`, '');
  fs.writeFileSync(path.join(outDir, 'README.md'), index.join('\n'));
  return { groups, outDir };
}
