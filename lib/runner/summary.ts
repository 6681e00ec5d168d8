/** Counts over a run's records: the numbers every report format shows. */
import type { FileRecord } from './records';

export interface TransformSummary {
  /** Sites rewritten (or that would be, in --dry / --check). */
  fixed: number;
  /** Sites that could be fixed but were not (audit mode, or the file failed). */
  fixable: number;
  refused: number;
  refusedByReason: Record<string, number>;
  /** Sites under `// leakfix-ignore`. */
  ignored: number;
  /** Sites already managed. */
  ok: number;
  /** Files this transform changed. */
  files: number;
}

export interface Summary {
  /** Every file the run looked at: skipped + changed + unchanged + failed. */
  found: number;
  skipped: number;
  skippedByReason: Record<string, number>;
  /** Files no transform's prefilter matched: read but never parsed. */
  skippedByPrefilter: number;
  parsed: number;
  changed: number;
  /** Files written to disk (apply mode only). */
  written: number;
  unchanged: number;
  failed: number;
  failedByReason: Record<string, number>;
  transforms: Record<string, TransformSummary>;
  /** `leakfix-ignore` comments that suppress nothing (counted with --report-unused-ignores only). */
  unusedIgnores: number;
  /** Files read, by the role lib/context gave them (test, fixture, entry, script, browser-script, library, application). */
  roles: Record<string, number>;
  /** Test, fixture and example files skipped because tests are not included (`--include-tests`). */
  skippedAsTests: number;
  durationMs: number;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function emptyTransformSummary(): TransformSummary {
  return { fixed: 0, fixable: 0, refused: 0, refusedByReason: {}, ignored: 0, ok: 0, files: 0 };
}

export function summarize(records: readonly FileRecord[], transformNames: readonly string[], durationMs: number): Summary {
  const summary: Summary = {
    found: records.length,
    skipped: 0,
    skippedByReason: {},
    skippedByPrefilter: 0,
    parsed: 0,
    changed: 0,
    written: 0,
    unchanged: 0,
    failed: 0,
    failedByReason: {},
    transforms: {},
    unusedIgnores: 0,
    roles: {},
    skippedAsTests: 0,
    durationMs: Math.round(durationMs),
  };
  for (const name of transformNames) summary.transforms[name] = emptyTransformSummary();
  for (const record of records) {
    if (record.parsed) summary.parsed++;
    summary.unusedIgnores += record.unusedIgnores?.length ?? 0;
    if (record.context) bump(summary.roles, record.context.role);
    if (record.status === 'skipped' && (record.reason === 'test-file' || record.reason === 'fixture-file' || record.reason === 'example-file')) summary.skippedAsTests++;
    switch (record.status) {
      case 'skipped':
        summary.skipped++;
        bump(summary.skippedByReason, record.reason ?? 'unknown');
        break;
      case 'error':
        summary.failed++;
        bump(summary.failedByReason, record.reason ?? 'unknown');
        break;
      case 'changed':
        summary.changed++;
        if (record.written) summary.written++;
        break;
      case 'unchanged':
        summary.unchanged++;
        if (record.parsed === false) summary.skippedByPrefilter++;
        break;
    }
    const changedBy = new Set<string>();
    for (const finding of record.findings) {
      const t = (summary.transforms[finding.transform] ??= emptyTransformSummary());
      switch (finding.status) {
        case 'fixed':
          t.fixed++;
          changedBy.add(finding.transform);
          break;
        case 'fixable':
          t.fixable++;
          break;
        case 'refused':
          t.refused++;
          bump(t.refusedByReason, finding.reason ?? 'unknown');
          break;
        case 'ignored':
          t.ignored++;
          break;
        case 'ok':
          t.ok++;
          break;
      }
    }
    if (record.status === 'changed') for (const name of changedBy) summary.transforms[name].files++;
  }
  return summary;
}
