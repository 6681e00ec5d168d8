/**
 * The run's results as text: coloured or plain diffs, the stderr summary, the json report and
 * the markdown migration-PR description. Pure functions of a RunResult.
 */
import { createColors } from 'picocolors';
import { formatPosition, type Finding } from '../findings';
import { plural } from '../text';
import { formatPrBody, type PrBodyOptions } from './pr-body';
import type { FileRecord } from './records';
import type { RunResult } from './run';
import type { DependencyChange } from './dependencies';
import { POLICY_REASONS } from '../context/policies';

/** One line per package.json that needs the runtime. */
export function dependencyLines(result: RunResult): string[] {
  return result.dependencies.map((d) => {
    const where = d.manifest ?? `(no package.json) ${d.files.slice(0, 3).join(', ')}`;
    const what =
      d.status === 'added' ? `added "${d.dependency}": "${d.range}"` : d.status === 'would-add' ? `would add "${d.dependency}": "${d.range}" (in the patch)` : `needs "${d.dependency}": add it by hand (${d.why ?? ''})`;
    return `${where}: ${what}, for ${plural(d.files.length, 'file')}`;
  });
}

export type Colors = ReturnType<typeof createColors>;
export const plain: Colors = createColors(false);

export function colorsFor(enabled: boolean): Colors {
  return createColors(enabled);
}

export function colorDiffLine(line: string, c: Colors): string {
  if (line.startsWith('diff --git') || line.startsWith('--- ') || line.startsWith('+++ ')) return c.bold(line);
  if (line.startsWith('@@')) return c.cyan(line);
  if (line.startsWith('+')) return c.green(line);
  if (line.startsWith('-')) return c.red(line);
  return line;
}

/** All diffs, concatenated in path order; `git apply` accepts the plain form as it is. */
export function formatDiffs(records: readonly FileRecord[], c: Colors = plain, dependencies: readonly DependencyChange[] = []): string {
  const diffs = [...records.filter((r) => r.status === 'changed' && r.diff).map((r) => r.diff as string), ...dependencies.filter((d) => d.diff).map((d) => d.diff as string)];
  const text = diffs.join('');
  if (c === plain || !c.isColorSupported) return text;
  return text
    .split('\n')
    .map((line) => colorDiffLine(line, c))
    .join('\n');
}

function byCount(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
}

export interface TextSummaryOptions {
  verbose?: boolean;
  colors?: Colors;
  /** How many of the slowest files --verbose lists. */
  slowest?: number;
}

/** A site as one line: `path:line:col transform/rule status (reason): message`. */
export function formatFindingLine(record: FileRecord, finding: Finding): string {
  const reason = finding.reason ? ` (${finding.reason})` : '';
  return `${record.path}:${formatPosition(finding.start)} ${finding.transform}/${finding.rule} ${finding.status}${reason}: ${finding.message}`;
}

/** The summary printed on stderr after a text-format run. */
export function formatTextSummary(result: RunResult, options: TextSummaryOptions = {}): string {
  const c = options.colors ?? plain;
  const s = result.summary;
  const lines: string[] = [];
  const modeLabel = result.mode === 'audit' ? 'audit' : result.check ? 'transform --check' : result.apply ? 'transform' : 'transform --dry';
  const workers = result.inProcess ? 'main thread' : plural(result.jobs, 'worker');
  lines.push(
    `${c.bold(`leakfix ${modeLabel}`)}: ${plural(s.found, 'file')} found, ${s.skipped} skipped, ${s.skippedByPrefilter} skipped by prefilter, ` +
      `${s.parsed} parsed, ${s.changed} ${result.apply ? 'changed' : result.mode === 'audit' ? 'with findings' : 'would change'}, ` +
      `${s.unchanged} unchanged, ${s.failed} failed (${(s.durationMs / 1000).toFixed(1)} s, ${workers})`,
  );
  if (result.mode === 'audit') lines[0] = lines[0].replace(/, \d+ with findings/, '');
  const width = Math.max(0, ...result.transforms.map((n) => n.length));
  for (const name of result.transforms) {
    const t = s.transforms[name];
    if (!t) continue;
    const refusedDetail = t.refused > 0 ? ` (${byCount(t.refusedByReason)})` : '';
    const fixedText = result.mode === 'audit' ? `${t.fixable} fixable` : `${t.fixed} fixed${t.files > 0 ? ` in ${plural(t.files, 'file')}` : ''}`;
    const extra = [t.ignored > 0 ? `${t.ignored} ignored` : '', t.ok > 0 ? `${t.ok} already managed` : ''].filter(Boolean).join(', ');
    lines.push(`  ${name.padEnd(width)}  ${fixedText}, ${t.refused} refused${refusedDetail}${extra ? `, ${extra}` : ''}`);
  }
  if (s.skipped > 0) lines.push(`  skipped: ${byCount(s.skippedByReason)}`);
  if (s.skippedAsTests > 0) lines.push(`  ${plural(s.skippedAsTests, 'test file')} skipped (--include-tests transforms them)`);
  if (options.verbose && Object.keys(s.roles).length > 0) lines.push(`  roles: ${byCount(s.roles)}`);
  if (options.verbose) for (const note of result.notes) lines.push(`  ${note}`);
  const dependencies = dependencyLines(result);
  if (dependencies.length > 0) {
    lines.push('runtime dependency:');
    for (const line of dependencies) lines.push(`  ${line}`);
    if (result.dependencies.some((d) => d.status === 'added' || d.status === 'would-add')) lines.push('  then run npm install (or your package manager\'s install) so the lockfile records it: npm ci fails until it does');
  }
  for (const notice of result.notices ?? []) lines.push(c.yellow(`note: ${notice.transform}: ${notice.message} (${plural(notice.files, 'file')})`));
  if (options.verbose) {
    for (const step of result.prepared ?? []) lines.push(`  ${step.transform}: built ${step.label} in ${(step.ms / 1000).toFixed(1)} s (not counted in per-file times or --timeout)`);
  }
  const failed = result.records.filter((r) => r.status === 'error');
  if (failed.length > 0) {
    lines.push(c.red(`failed (${failed.length}):`));
    for (const record of failed) {
      const who = record.transform ? ` [${record.transform}]` : '';
      lines.push(`  ${record.path}: ${record.reason ?? 'error'}${who}: ${record.message ?? ''}`);
    }
  }
  if (result.check && s.changed > 0) {
    const changed = result.records.filter((r) => r.status === 'changed').map((r) => r.path);
    lines.push(`would change (${changed.length}):`);
    for (const file of changed.slice(0, options.verbose ? changed.length : 20)) lines.push(`  ${file}`);
    if (!options.verbose && changed.length > 20) lines.push(`  ... and ${changed.length - 20} more (--verbose lists all)`);
  }
  if (options.verbose) {
    const skipped = result.records.filter((r) => r.status === 'skipped');
    if (skipped.length > 0) {
      lines.push('skipped files:');
      for (const record of skipped) lines.push(`  ${record.path}: ${record.reason ?? ''}${record.message ? ` (${record.message})` : ''}`);
    }
    const review = result.records.flatMap((r) => r.findings.filter((f) => f.status === 'refused' || f.status === 'ignored').map((f) => formatFindingLine(r, f)));
    if (review.length > 0) {
      lines.push('sites left for manual review:');
      for (const line of review) lines.push(`  ${line}`);
    }
    const slowest = [...result.records].filter((r) => r.durationMs > 0).sort((a, b) => b.durationMs - a.durationMs).slice(0, options.slowest ?? 10);
    if (slowest.length > 0) {
      lines.push('slowest files:');
      for (const record of slowest) lines.push(`  ${record.durationMs.toFixed(1).padStart(8)} ms  ${record.path}`);
    }
  }
  if (result.mode === 'transform') {
    if (result.dirtyRefused.length > 0) lines.push(c.yellow('nothing written: files that would change have uncommitted changes.'));
    else if (result.apply) lines.push(s.written > 0 ? c.green(`wrote ${plural(s.written, 'file')}.`) : 'nothing to change.');
    else if (s.changed > 0) lines.push(`${plural(s.changed, 'file')} would change (nothing written: ${result.check ? '--check' : '--dry'}).`);
    else lines.push('nothing to change.');
  }
  return `${lines.join('\n')}\n`;
}

export interface JsonReport {
  tool: 'leakfix';
  version: string;
  mode: RunResult['mode'];
  dry: boolean;
  check: boolean;
  transforms: string[];
  /** The module inserted runtime calls import from (the PR body's dependency check). */
  runtimeImport: string;
  /** `i/n` when the run was one shard (`leakfix merge` checks that every shard is there). */
  shard?: string;
  summary: RunResult['summary'];
  dirtyRefused: string[];
  /** Each package.json that needs the runtime (added, in the patch, or to add by hand). */
  dependencies: DependencyChange[];
  files: Array<FileRecord & { findings: Array<Finding & { location: string }> }>;
}

export function jsonReport(result: RunResult, version: string): JsonReport {
  return {
    tool: 'leakfix',
    version,
    mode: result.mode,
    dry: result.mode === 'transform' && !result.apply && !result.check,
    check: result.check,
    transforms: result.transforms,
    runtimeImport: result.runtimeImport,
    ...(result.shard ? { shard: result.shard } : {}),
    summary: result.summary,
    dirtyRefused: result.dirtyRefused,
    dependencies: result.dependencies,
    files: result.records.map((record) => ({
      ...record,
      findings: record.findings.map((finding) => ({ ...finding, location: formatPosition(finding.start) })),
    })),
  };
}

export function formatJson(result: RunResult, version: string): string {
  return `${JSON.stringify(jsonReport(result, version), null, 2)}\n`;
}

/** A ready migration-PR description (lib/runner/pr-body.ts), never over GitHub's 65,536 characters. */
export function formatMarkdown(result: RunResult, version: string, options?: PrBodyOptions): string {
  return formatPrBody(result, version, options);
}
