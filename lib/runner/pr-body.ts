/**
 * The migration-PR description (`--format markdown`, `--split-by`, `leakfix merge`): what changed
 * per transform, what the reviewer must do (runtime dependency per package.json, shutdown wiring,
 * sites that need a human decision and why), the files, and the sites left alone.
 *
 * GitHub refuses PR bodies over 65,536 characters, so long lists sit in `<details>` with counts
 * and are cut at a limit ("…and N more (run `leakfix audit`)"); the limit is lowered step by step
 * until the body fits. Wording follows the run: "changes" / "fixed" when written, "would change" /
 * "to fix" for --dry and --check. Deterministic: same records, same text.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../findings';
import type { RuleMeta, LeakRule } from '../rule';
import { escapeRegExp, markdownCell, plural } from '../text';
import { findGitRoot } from './git';
import { nearestPackageJson } from './packages';
import type { FileRecord } from './records';
import type { RunResult } from './run';
import type { Summary } from './summary';

/** GitHub's limit for a pull request body. */
export const PR_BODY_LIMIT = 65_536;

/** What the PR body needs from a run (a whole run, one split group, or merged shards). */
export type PrBodyInput = Pick<RunResult, 'mode' | 'apply' | 'check' | 'transforms' | 'runtimeImport' | 'records' | 'summary' | 'cwd'> & {
  rules: readonly LeakRule[];
};

export interface PrBodyOptions {
  /** Default: PR_BODY_LIMIT. */
  maxLength?: number;
  /** Heading (default "Fix resource leaks with leakfix"). */
  title?: string;
  /** Lines added under the title (split groups: the group and its owners). */
  intro?: string[];
}

/** List lengths tried, longest first, until the body fits. */
const LIMITS = [Infinity, 500, 200, 100, 50, 20, 10, 5, 0];

function metaOf(input: PrBodyInput, name: string): RuleMeta | undefined {
  return input.rules.find((r) => r.meta.name === name)?.meta;
}

/** True when a diff adds an `import ... from '<specifier>'` or `require('<specifier>')`. */
export function addsImportOf(diff: string, specifier: string): boolean {
  const quoted = new RegExp(`^\\+.*(?:from\\s*|require\\(\\s*)['"]${escapeRegExp(specifier)}['"]`, 'm');
  return quoted.test(diff);
}

/** The npm package a bare specifier names (`@scope/pkg/sub` → `@scope/pkg`); undefined for relative, `#` or absolute ones. */
export function packageNameOf(specifier: string): string | undefined {
  if (/^[.#/]/.test(specifier) || /^[a-z]+:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

interface PackageFact {
  /** package.json relative to the run's cwd, or undefined: no package.json above the files. */
  manifest?: string;
  files: number;
  /** The declared version range, and where (dependencies, peerDependencies, ...). */
  declared?: string;
}

const DEPENDENCY_KEYS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;

function runtimePackages(input: PrBodyInput, files: readonly FileRecord[]): PackageFact[] {
  const name = packageNameOf(input.runtimeImport);
  const byManifest = new Map<string, PackageFact>();
  for (const record of files) {
    const manifest = nearestPackageJson(path.resolve(input.cwd, record.path), input.cwd);
    const key = manifest ?? '';
    let fact = byManifest.get(key);
    if (!fact) {
      fact = { files: 0 };
      if (manifest) {
        fact.manifest = path.relative(input.cwd, manifest).split(path.sep).join('/');
        if (name) {
          try {
            const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, Record<string, string> | undefined>;
            for (const field of DEPENDENCY_KEYS) {
              const range = pkg[field]?.[name];
              if (typeof range === 'string') {
                fact.declared = `${field}: \`${range}\``;
                break;
              }
            }
          } catch {
            // unreadable manifest: reported as not declared
          }
        }
      }
      byManifest.set(key, fact);
    }
    fact.files++;
  }
  return [...byManifest.values()].sort((a, b) => ((a.manifest ?? '') < (b.manifest ?? '') ? -1 : 1));
}

/**
 * Files (relative to cwd) that import `shutdown` or `handleShutdownSignals` from the runtime, found
 * with `git grep` in the repository; undefined when that is not possible (no git).
 */
function shutdownWiring(input: PrBodyInput): string[] | undefined {
  const root = findGitRoot(input.cwd);
  if (!root) return undefined;
  const result = spawnSync('git', ['grep', '-l', '-F', '-e', input.runtimeImport, '--', '*.js', '*.jsx', '*.mjs', '*.cjs', '*.ts', '*.tsx', '*.mts', '*.cts'], {
    cwd: input.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || (result.status !== 0 && result.status !== 1)) return undefined;
  const wired: string[] = [];
  const imports = new RegExp(`(?:import\\s*\\{[^}]*\\b(?:shutdown|handleShutdownSignals)\\b[^}]*\\}\\s*from\\s*|\\b(?:shutdown|handleShutdownSignals)\\b[^;]*require\\(\\s*)['"]${escapeRegExp(input.runtimeImport)}['"]`);
  for (const file of result.stdout.split('\n').filter(Boolean).sort()) {
    try {
      if (imports.test(fs.readFileSync(path.resolve(input.cwd, file), 'utf8'))) wired.push(file);
    } catch {
      // vanished since git grep
    }
  }
  return wired;
}

function byCount(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
}

/** At most `limit` lines, then "…and N more (run `leakfix audit`)". */
function capped(lines: readonly string[], limit: number, more: (n: number) => string): string[] {
  if (lines.length <= limit) return [...lines];
  return [...lines.slice(0, limit), more(lines.length - limit)];
}

const moreListItem = (n: number): string => `- …and ${n} more (run \`leakfix audit\`)`;

function details(summary: string, body: readonly string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

interface Facts {
  runtimeFiles: FileRecord[];
  packages: PackageFact[];
  wiring: string[] | undefined;
}

function facts(input: PrBodyInput): Facts {
  const runtimeFiles = input.records.filter((r) => r.status === 'changed' && addsImportOf(r.diff ?? '', input.runtimeImport));
  return {
    runtimeFiles,
    packages: runtimeFiles.length > 0 ? runtimePackages(input, runtimeFiles) : [],
    wiring: runtimeFiles.length > 0 ? shutdownWiring(input) : undefined,
  };
}

function render(input: PrBodyInput, version: string, options: PrBodyOptions, known: Facts, limit: number): string {
  const s = input.summary;
  const applied = input.apply;
  const w = applied ? { change: 'changes', fixed: 'fixed', column: 'Sites fixed' } : { change: 'would change', fixed: 'to fix', column: 'Sites to fix' };
  const command = `leakfix transform${applied ? '' : input.check ? ' --check' : ' --dry'}`;
  const fixed = input.transforms.reduce((n, name) => n + (s.transforms[name]?.fixed ?? 0), 0);
  const review = input.records.flatMap((record) => record.findings.filter((f) => f.status === 'refused').map((finding) => ({ record, finding })));
  const out: string[] = [`## ${options.title ?? 'Fix resource leaks with leakfix'}`, ''];
  if (options.intro && options.intro.length > 0) out.push(...options.intro, '');
  out.push(
    `Made with \`${command}\` (leakfix ${version}). It ${w.change} ${plural(s.changed, 'file')}: ${plural(fixed, 'site')} ${w.fixed}, ` +
      `${plural(review.length, 'site')} left for a human decision.`,
    '',
  );

  const rows = input.transforms.filter((name) => {
    const t = s.transforms[name];
    return t !== undefined && t.fixed + t.refused + t.ignored > 0;
  });
  out.push('### What changed', '');
  if (rows.length === 0) out.push(`No transform ${applied ? 'changed' : 'would change'} anything.`, '');
  else {
    out.push(`| Transform | What it does | ${w.column} | Files | Left for review |`, '|---|---|---:|---:|---:|');
    for (const name of rows) {
      const t = s.transforms[name];
      out.push(`| \`${name}\` | ${markdownCell(metaOf(input, name)?.description ?? '')} | ${t.fixed} | ${t.files} | ${t.refused} |`);
    }
    out.push('');
  }

  out.push('### For the reviewer', '');
  const todo: string[] = [];
  if (known.runtimeFiles.length > 0) {
    const name = packageNameOf(input.runtimeImport);
    const header =
      `- [ ] **Runtime dependency.** ${plural(known.runtimeFiles.length, 'file')} ${applied ? 'now import' : 'would import'}${known.runtimeFiles.length === 1 && applied ? 's' : ''} \`${input.runtimeImport}\`` +
      (name ? `; it must be a dependency of each package that contains them:` : ' (not an npm package name: check that it resolves from each file).');
    todo.push(header);
    if (name) {
      const lines = known.packages.map((p) =>
        p.manifest
          ? `  - \`${p.manifest}\` (${plural(p.files, 'file')}): ${p.declared ? `declared (${p.declared})` : `**not declared yet**: add \`"${name}"\` to \`dependencies\``}`
          : `  - ${plural(p.files, 'file')} with no package.json above them: add \`${name}\` where they are built`,
      );
      todo.push(...capped(lines, limit, (n) => `  - …and ${n} more package.json files`));
      if (known.packages.some((p) => p.manifest && !p.declared)) {
        todo.push('  - Run `npm install` (or your package manager\'s install) after applying, and commit the lockfile: `npm ci` fails while package.json and package-lock.json disagree.');
      }
    }
    const wiring = known.wiring;
    const stop = `Supervised intervals stop and tracked promises drain only when \`shutdown()\` from \`${input.runtimeImport}\` runs`;
    if (wiring === undefined) todo.push(`- [ ] **Shutdown.** ${stop}; check that the service calls it when it stops (or \`handleShutdownSignals()\` once at startup).`);
    else if (wiring.length === 0) todo.push(`- [ ] **Shutdown.** ${stop}. No file imports it yet: call \`handleShutdownSignals()\` once at startup, or \`await shutdown()\` in the service's stop path.`);
    else {
      todo.push(`- [ ] **Shutdown.** ${stop}. It is wired in:`);
      todo.push(...capped(wiring.map((f) => `  - \`${f}\``), limit, (n) => `  - …and ${n} more`));
    }
  }
  if (review.length > 0) {
    const reasons = new Map<string, { transform: string; reason: string; count: number }>();
    for (const { finding } of review) {
      const key = `${finding.transform}\0${finding.reason ?? ''}`;
      const entry = reasons.get(key) ?? { transform: finding.transform, reason: finding.reason ?? '', count: 0 };
      entry.count++;
      reasons.set(key, entry);
    }
    todo.push(`- [ ] **Decide ${plural(review.length, 'site')} by hand** (listed under *Left for manual review*); leakfix left them alone because:`);
    const sorted = [...reasons.values()].sort((a, b) => b.count - a.count || (a.transform + a.reason < b.transform + b.reason ? -1 : 1));
    for (const entry of sorted) {
      const why = metaOf(input, entry.transform)?.reasons[entry.reason];
      todo.push(`  - \`${entry.transform}\` \`${entry.reason}\` (${entry.count}): ${markdownCell(why ?? 'see the details')}`);
    }
  }
  if (s.changed > 0) todo.push(`- [ ] **Read the diff and run the tests.** Each rewrite is one leakfix proved safe; the code around it is unchanged.`);
  if (todo.length === 0) todo.push('Nothing to do: leakfix found nothing to change or review.');
  out.push(...todo, '');

  for (const name of input.transforms) {
    const changed = input.records.filter((r) => r.status === 'changed' && r.findings.some((f) => f.transform === name && f.status === 'fixed'));
    if (changed.length === 0) continue;
    const sites = changed.reduce((n, r) => n + r.findings.filter((f) => f.transform === name && f.status === 'fixed').length, 0);
    out.push(`### \`${name}\``, '');
    const description = metaOf(input, name)?.description;
    if (description) out.push(description, '');
    const lines = changed.map((record) => {
      const fixedHere = record.findings.filter((f) => f.transform === name && f.status === 'fixed');
      const at = fixedHere.slice(0, 20).map((f) => f.start.line).join(', ');
      return `- \`${record.path}\`: ${plural(fixedHere.length, 'site')} (line${fixedHere.length === 1 ? '' : 's'} ${at}${fixedHere.length > 20 ? ', …' : ''})`;
    });
    out.push(...details(`${plural(sites, 'site')} ${w.fixed} in ${plural(changed.length, 'file')}`, capped(lines, limit, moreListItem)));
  }

  out.push('### Left for manual review', '');
  if (review.length === 0) out.push(`Nothing: every site leakfix found was ${applied ? 'fixed' : 'fixable'} or already managed.`, '');
  else {
    const rowsOut = review.map(({ record, finding }) => reviewRow(input, record, finding));
    const files = new Set(review.map((r) => r.record.path)).size;
    const table = ['| Location | Transform | Pattern | Reason | Details |', '|---|---|---|---|---|', ...rowsOut];
    const body = rowsOut.length <= limit ? table : [...table.slice(0, 2 + limit), '', `…and ${rowsOut.length - limit} more (run \`leakfix audit\`)`];
    out.push(...details(`${plural(review.length, 'site')} in ${plural(files, 'file')}`, body));
  }

  const ignored = input.records.flatMap((record) => record.findings.filter((f) => f.status === 'ignored').map((finding) => ({ record, finding })));
  const ignoredFiles = input.records.filter((r) => r.status === 'skipped' && r.reason === 'ignore-file');
  if (ignored.length > 0 || ignoredFiles.length > 0) {
    out.push('### Suppressed', '');
    const lines = [
      ...ignored.map(({ record, finding }) => `- \`${record.path}:${finding.start.line}\` \`${finding.transform}/${finding.rule}\` (\`// leakfix-ignore\`)`),
      ...ignoredFiles.map((record) => `- \`${record.path}\` (\`// leakfix-ignore-file\`)`),
    ];
    out.push(...details(plural(lines.length, 'suppressed site or file', 'suppressed sites and files'), capped(lines, limit, moreListItem)));
  }
  const unused = input.records.flatMap((record) => (record.unusedIgnores ?? []).map((u) => `- \`${record.path}:${u.line}\` \`${markdownCell(u.text)}\``));
  if (unused.length > 0) {
    out.push('### Unused ignore comments', '', 'These `leakfix-ignore` comments suppress nothing and can be removed:', '');
    out.push(...capped(unused, limit, moreListItem), '');
  }
  const failed = input.records.filter((r) => r.status === 'error');
  if (failed.length > 0) {
    out.push('### Not processed', '', 'These files could not be parsed or transformed and were left as they were:', '');
    const lines = failed.map((record) => `- \`${record.path}\`: ${record.reason ?? 'error'}${record.message ? `: ${markdownCell(record.message)}` : ''}`);
    out.push(...capped(lines, limit, moreListItem), '');
  }
  out.push(...details('Run summary', [runSummary(s, applied)]));
  return out.join('\n');
}

function reviewRow(input: PrBodyInput, record: FileRecord, finding: Finding): string {
  const why = finding.reason ? metaOf(input, finding.transform)?.reasons[finding.reason] : undefined;
  return `| \`${record.path}:${finding.start.line}\` | \`${finding.transform}\` | \`${finding.rule}\` | \`${finding.reason ?? ''}\`${why ? ` ${markdownCell(why)}` : ''} | ${markdownCell(finding.message)} |`;
}

function runSummary(s: Summary, applied: boolean): string {
  return (
    `${plural(s.found, 'file')} found, ${s.skipped} skipped${s.skipped > 0 ? ` (${byCount(s.skippedByReason)})` : ''}, ${s.skippedByPrefilter} skipped by prefilter, ` +
    `${s.parsed} parsed, ${s.changed} ${applied ? 'changed' : 'would change'}, ${s.unchanged} unchanged, ${s.failed} failed.`
  );
}

/** The PR body, at most `maxLength` characters (GitHub's 65,536 by default). */
export function formatPrBody(input: PrBodyInput, version: string, options: PrBodyOptions = {}): string {
  const maxLength = options.maxLength ?? PR_BODY_LIMIT;
  const known = facts(input);
  let text = '';
  for (const limit of LIMITS) {
    text = render(input, version, options, known, limit);
    if (text.length <= maxLength) return text;
  }
  // Only very long paths or messages get here: cut, and say so.
  const note = '\n\n…(cut to fit GitHub\'s limit; run `leakfix audit` for everything)\n';
  return text.slice(0, Math.max(0, maxLength - note.length)) + note;
}
