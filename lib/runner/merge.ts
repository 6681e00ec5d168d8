/**
 * `leakfix merge <report.json>...`: the JSON reports of `--shard i/n` runs (CI matrix jobs) put
 * back together into the run a single job over the whole repository would have given: the same
 * records in the same order, the same summary (durations aside), so the same patch and PR body.
 */
import { landDependencies } from './dependencies';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../findings';
import type { LeakRule } from '../rule';
import { UsageError } from './errors';
import type { FileRecord } from './records';
import type { JsonReport } from './report';
import { exitCodeFor, type RunResult } from './run';
import { summarize } from './summary';

export function readReport(file: string, cwd: string): JsonReport {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`merge: cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`merge: ${file} is not JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const report = data as Partial<JsonReport>;
  if (report === null || typeof report !== 'object' || report.tool !== 'leakfix' || !Array.isArray(report.files) || !Array.isArray(report.transforms)) {
    throw new UsageError(`merge: ${file} is not a leakfix JSON report (leakfix transform --format json)`);
  }
  if (report.mode !== 'transform') throw new UsageError(`merge: ${file} is a ${String(report.mode)} report; merge takes transform reports`);
  return report as JsonReport;
}

function same<T>(reports: Array<{ file: string; report: JsonReport }>, pick: (r: JsonReport) => T, what: string): T {
  const first = JSON.stringify(pick(reports[0].report));
  for (const { file, report } of reports.slice(1)) {
    if (JSON.stringify(pick(report)) !== first) throw new UsageError(`merge: ${file} has different ${what} than ${reports[0].file}`);
  }
  return pick(reports[0].report);
}

/** The shards' records as one run; `rules` supply descriptions for the PR body. */
export function mergeReports(inputs: Array<{ file: string; report: JsonReport }>, rules: readonly LeakRule[], cwd: string): RunResult {
  if (inputs.length === 0) throw new UsageError('merge: name at least one report.json');
  const transforms = same(inputs, (r) => r.transforms, 'transforms');
  const runtimeImport = same(inputs, (r) => r.runtimeImport ?? '@leakfix/runtime', 'runtime imports');
  const dry = same(inputs, (r) => r.dry, 'modes (--dry)');
  const check = same(inputs, (r) => r.check, 'modes (--check)');

  const shards = inputs.map((i) => i.report.shard).filter((s): s is string => s !== undefined);
  if (shards.length > 0) {
    const counts = new Set(shards.map((s) => s.split('/')[1]));
    if (shards.length !== inputs.length || counts.size !== 1) throw new UsageError(`merge: the reports come from different shardings (${inputs.map((i) => i.report.shard ?? 'no shard').join(', ')})`);
    const count = Number([...counts][0]);
    const seen = new Set(shards.map((s) => Number(s.split('/')[0])));
    if (seen.size !== shards.length) throw new UsageError(`merge: a shard is given twice (${shards.join(', ')})`);
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length > 0) throw new UsageError(`merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing: the merged PR would be incomplete`);
  }

  const records: FileRecord[] = [];
  const owner = new Map<string, string>();
  for (const { file, report } of inputs) {
    for (const entry of report.files) {
      const previous = owner.get(entry.path);
      if (previous !== undefined) throw new UsageError(`merge: ${entry.path} is in both ${previous} and ${file}`);
      owner.set(entry.path, file);
      // Same keys in the same order as the shard's own record, so the merged JSON matches a single run's.
      const strip = (findings: Array<Finding & { location?: string }>): Finding[] => findings.map(({ location: _location, ...finding }) => finding);
      records.push(Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, key === 'findings' ? strip(value as Finding[]) : value])) as unknown as FileRecord);
    }
  }
  records.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const durationMs = Math.max(0, ...inputs.map((i) => i.report.summary?.durationMs ?? 0));
  const result: RunResult = {
    mode: 'transform',
    apply: !dry && !check,
    check,
    cwd,
    transforms,
    runtimeImport,
    rules: [...rules],
    records,
    summary: summarize(records, transforms, durationMs),
    dirtyRefused: [...new Set(inputs.flatMap((i) => i.report.dirtyRefused ?? []))].sort(),
    jobs: 0,
    inProcess: true,
    exitCode: 0,
    // Run notices and typed-program build times are per-run console output, not part of a report.
    notices: [],
    prepared: [],
    notes: [],
    // Planned again over all shards' files: one package.json change per package, as a single run makes.
    dependencies: landDependencies(records, { cwd, specifier: runtimeImport, apply: false, addDependency: true, allowDirty: true }),
  };
  result.exitCode = exitCodeFor(result);
  return result;
}
