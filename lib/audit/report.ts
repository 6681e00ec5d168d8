/**
 * The audit report: every lifecycle site the detectors found, with what can be done about it, and
 * the totals a team plans a migration with. Pure functions over the runner's FileRecords, so the
 * CLI, `run()` and the tests grade exactly the same data.
 */
import type { Finding, Grade } from '../findings';
import type { FileRecord } from '../runner/records';
import type { LeakRule } from '../rule';

/**
 * What leakfix can do about a site:
 * - `fixable`: `leakfix transform` rewrites it (status `fixable`, or `fixed` after a transform run);
 * - `manual`: leak-prone, but the transform refuses it; `reason` says why;
 * - `managed`: already GREEN, nothing to do;
 * - `ignored`: suppressed with `// leakfix-ignore`; never fails a gate.
 */
export type Disposition = 'fixable' | 'manual' | 'managed' | 'ignored';

export const GRADES: readonly Grade[] = ['red', 'yellow', 'green'];
export const DISPOSITIONS: readonly Disposition[] = ['fixable', 'manual', 'managed', 'ignored'];

export interface AuditSite {
  /** Relative path with forward slashes, as in the FileRecord. */
  path: string;
  transform: string;
  pattern: string;
  grade: Grade;
  disposition: Disposition;
  /** Refusal reason code for `manual` sites (`leakfix-ignore` for ignored ones). */
  reason?: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fingerprint: string;
  /** Where the file runs (lib/context): its role and module kind, when the run resolved them. */
  role?: string;
  moduleKind?: string;
}

export type GradeCounts = Record<Grade, number>;
export type DispositionCounts = Record<Disposition, number>;

export interface PatternTotals {
  transform: string;
  pattern: string;
  /** `transform/pattern`, the id used by SARIF and the reports. */
  id: string;
  total: number;
  grades: GradeCounts;
  dispositions: DispositionCounts;
  /** Reason code → how many manual sites of this pattern carry it. */
  reasons: Record<string, number>;
}

export interface AuditError {
  path: string;
  /** `parse-error`, `internal-error`, ... */
  reason: string;
  message: string;
  transform?: string;
}

export interface AuditTotals {
  files: number;
  filesWithSites: number;
  sites: number;
  grades: GradeCounts;
  dispositions: DispositionCounts;
  /** Reason code → number of manual sites. */
  reasons: Record<string, number>;
}

export interface AuditReport {
  /** Every file the run looked at (audited, skipped or failed), sorted. */
  files: string[];
  sites: AuditSite[];
  totals: AuditTotals;
  patterns: PatternTotals[];
  errors: AuditError[];
  /** Files skipped on purpose (`ignore-file`, `too-large`, `generated`, ...): path and reason. */
  skipped: Array<{ path: string; reason: string }>;
}

/** Descriptions of patterns and reasons, from the rules' `meta`; used by SARIF and markdown. */
export interface RuleCatalogEntry {
  transform: string;
  description: string;
  patterns: Record<string, string>;
  reasons: Record<string, string>;
}

export type RuleCatalog = ReadonlyMap<string, RuleCatalogEntry>;

export function ruleCatalog(rules: readonly LeakRule[]): RuleCatalog {
  return new Map(
    rules.map((rule) => [
      rule.meta.name,
      { transform: rule.meta.name, description: rule.meta.description, patterns: rule.meta.patterns, reasons: rule.meta.reasons },
    ]),
  );
}

export function patternId(transform: string, pattern: string): string {
  return `${transform}/${pattern}`;
}

export function dispositionOf(finding: Finding): Disposition {
  switch (finding.status) {
    case 'fixable':
    case 'fixed':
      return 'fixable';
    case 'refused':
      return 'manual';
    case 'ok':
      return 'managed';
    case 'ignored':
      return 'ignored';
  }
}

export function toAuditSite(path: string, finding: Finding): AuditSite {
  const site: AuditSite = {
    path,
    transform: finding.transform,
    pattern: finding.rule,
    grade: finding.grade,
    disposition: dispositionOf(finding),
    message: finding.message,
    line: finding.start.line,
    column: finding.start.column,
    endLine: finding.end.line,
    endColumn: finding.end.column,
    fingerprint: finding.fingerprint,
  };
  if (finding.reason !== undefined) site.reason = finding.reason;
  return site;
}

export function emptyGrades(): GradeCounts {
  return { red: 0, yellow: 0, green: 0 };
}

export function emptyDispositions(): DispositionCounts {
  return { fixable: 0, manual: 0, managed: 0, ignored: 0 };
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Sorted keys, for output that does not depend on the order workers finished in. */
export function sortedCounts(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function compareSites(a: AuditSite, b: AuditSite): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.line - b.line || a.column - b.column || a.transform.localeCompare(b.transform) || a.pattern.localeCompare(b.pattern);
}

/** Grades every finding of a run. Records may come in any order; the report is sorted. */
export function buildAuditReport(records: readonly FileRecord[]): AuditReport {
  const sites: AuditSite[] = [];
  const errors: AuditError[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  for (const record of records) {
    for (const finding of record.findings) {
      const site = toAuditSite(record.path, finding);
      if (record.context) {
        site.role = record.context.role;
        site.moduleKind = record.context.moduleKind;
      }
      sites.push(site);
    }
    if (record.status === 'error') {
      const error: AuditError = { path: record.path, reason: record.reason ?? 'error', message: record.message ?? '' };
      if (record.transform !== undefined) error.transform = record.transform;
      errors.push(error);
    } else if (record.status === 'skipped') {
      skipped.push({ path: record.path, reason: record.reason ?? 'skipped' });
    }
  }
  sites.sort(compareSites);
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const totals: AuditTotals = {
    files: records.length,
    filesWithSites: new Set(sites.map((s) => s.path)).size,
    sites: sites.length,
    grades: emptyGrades(),
    dispositions: emptyDispositions(),
    reasons: {},
  };
  const byPattern = new Map<string, PatternTotals>();
  for (const site of sites) {
    const id = patternId(site.transform, site.pattern);
    let pattern = byPattern.get(id);
    if (!pattern) {
      pattern = { transform: site.transform, pattern: site.pattern, id, total: 0, grades: emptyGrades(), dispositions: emptyDispositions(), reasons: {} };
      byPattern.set(id, pattern);
    }
    pattern.total++;
    pattern.grades[site.grade]++;
    pattern.dispositions[site.disposition]++;
    totals.grades[site.grade]++;
    totals.dispositions[site.disposition]++;
    if (site.disposition === 'manual' && site.reason !== undefined) {
      increment(pattern.reasons, site.reason);
      increment(totals.reasons, site.reason);
    }
  }
  const patterns = [...byPattern.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const files = records.map((r) => r.path).sort();
  return { files, sites, totals, patterns, errors, skipped };
}

/** Sites that need attention: RED or YELLOW and not ignored. */
export function isOpen(site: AuditSite): boolean {
  return site.grade !== 'green' && site.disposition !== 'ignored';
}
