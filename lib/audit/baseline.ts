/**
 * Baselines and the CI gate. A baseline records the findings a team has accepted, by path and
 * fingerprint (transform, pattern, enclosing function and code shape: no line numbers, so edits
 * above a site do not make it new). The gate then fails only on findings that are not in it.
 *
 * A baselined site that got worse (YELLOW when accepted, RED now) counts as new.
 */
import type { Grade } from '../findings';
import { isOpen, type AuditReport, type AuditSite } from './report';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  path: string;
  fingerprint: string;
  transform: string;
  pattern: string;
  grade: Grade;
  /** For the reader of the file only; matching never looks at it. */
  message: string;
}

export interface Baseline {
  version: number;
  tool: 'leakfix';
  findings: BaselineEntry[];
}

export class BaselineError extends Error {
  override name = 'BaselineError';
}

export type FailOn = 'red' | 'yellow';
export type BaselineState = 'new' | 'unchanged';

const SEVERITY: Record<Grade, number> = { green: 0, yellow: 1, red: 2 };

export function meetsThreshold(grade: Grade, failOn: FailOn): boolean {
  return SEVERITY[grade] >= SEVERITY[failOn];
}

function baselineKey(path: string, fingerprint: string): string {
  return `${path}\u0000${fingerprint}`;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** What a run looked at: baseline entries outside it are neither matched nor replaced. */
export interface AuditScope {
  /** Paths of the files the run audited (`report.files`). */
  files: readonly string[];
  /** The transforms that ran; undefined means all. */
  transforms?: readonly string[];
}

function inScope(entry: BaselineEntry, scope: AuditScope | undefined, files: ReadonlySet<string> | undefined): boolean {
  if (!scope || !files) return true;
  return files.has(entry.path) && (scope.transforms === undefined || scope.transforms.includes(entry.transform));
}

/** The open (RED/YELLOW, not ignored) sites of a report, as baseline entries, sorted for stable diffs. */
export function createBaseline(report: AuditReport): Baseline {
  const findings = report.sites.filter(isOpen).map(
    (site): BaselineEntry => ({
      path: site.path,
      fingerprint: site.fingerprint,
      transform: site.transform,
      pattern: site.pattern,
      grade: site.grade,
      message: site.message,
    }),
  );
  findings.sort(compareEntries);
  return { version: BASELINE_VERSION, tool: 'leakfix', findings };
}

/**
 * `--update-baseline`: the run's open sites replace the previous entries inside its scope; entries
 * outside it (another shard, a transform left out, a path not given) are kept when `keep` says so
 * (the CLI keeps those whose file still exists), so a partial run never forgets the rest.
 */
export function updateBaseline(previous: Baseline | undefined, report: AuditReport, scope: AuditScope, keep: (entry: BaselineEntry) => boolean = () => true): Baseline {
  const current = createBaseline(report);
  const files = new Set(scope.files);
  const kept = (previous?.findings ?? []).filter((entry) => !inScope(entry, scope, files) && keep(entry));
  return { ...current, findings: [...kept, ...current.findings].sort(compareEntries) };
}

export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isGrade(value: unknown): value is Grade {
  return value === 'red' || value === 'yellow' || value === 'green';
}

/** Reads a baseline file's text; throws BaselineError naming what is wrong. */
export function parseBaseline(text: string, where = 'baseline'): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(data) || data.tool !== 'leakfix' || !Array.isArray(data.findings)) {
    throw new BaselineError(`${where}: not a leakfix baseline (expected { "tool": "leakfix", "version": 1, "findings": [...] })`);
  }
  if (data.version !== BASELINE_VERSION) {
    throw new BaselineError(`${where}: baseline version ${JSON.stringify(data.version)} is not supported (expected ${BASELINE_VERSION})`);
  }
  const findings = data.findings.map((entry: unknown, i: number): BaselineEntry => {
    if (
      !isRecord(entry) ||
      typeof entry.path !== 'string' ||
      typeof entry.fingerprint !== 'string' ||
      typeof entry.transform !== 'string' ||
      typeof entry.pattern !== 'string' ||
      !isGrade(entry.grade)
    ) {
      throw new BaselineError(`${where}: findings[${i}] needs string path, fingerprint, transform, pattern and a grade`);
    }
    return {
      path: entry.path,
      fingerprint: entry.fingerprint,
      transform: entry.transform,
      pattern: entry.pattern,
      grade: entry.grade,
      message: typeof entry.message === 'string' ? entry.message : '',
    };
  });
  return { version: BASELINE_VERSION, tool: 'leakfix', findings };
}

export interface GateOptions {
  /** Without it the gate never fails (exit 0), whatever the findings. */
  failOn?: FailOn;
  baseline?: Baseline;
  /** Limits `stale` to entries the run could have matched. Default: the report's files, all transforms. */
  transforms?: readonly string[];
}

export interface GateResult {
  failOn?: FailOn;
  /** True when a baseline was given (so `states` is meaningful). */
  hasBaseline: boolean;
  /** For every open site: `unchanged` when the baseline accepts it, `new` otherwise. */
  states: ReadonlyMap<AuditSite, BaselineState>;
  newSites: AuditSite[];
  baselinedSites: AuditSite[];
  /** New sites at or above `failOn`: the ones that fail the gate. */
  failing: AuditSite[];
  /** Baseline entries, among the files and transforms the run covered, that no longer match a site (fixed or moved). */
  stale: BaselineEntry[];
  passed: boolean;
}

/**
 * Matches open sites against the baseline (each entry accepts at most one site, of the same or a
 * lower grade) and applies the `failOn` threshold to the rest.
 */
export function evaluateGate(report: AuditReport, options: GateOptions = {}): GateResult {
  const available = new Map<string, BaselineEntry[]>();
  for (const entry of options.baseline?.findings ?? []) {
    const key = baselineKey(entry.path, entry.fingerprint);
    const list = available.get(key);
    if (list) list.push(entry);
    else available.set(key, [entry]);
  }
  const states = new Map<AuditSite, BaselineState>();
  const newSites: AuditSite[] = [];
  const baselinedSites: AuditSite[] = [];
  for (const site of report.sites.filter(isOpen)) {
    const candidates = available.get(baselineKey(site.path, site.fingerprint)) ?? [];
    const index = candidates.findIndex((entry) => SEVERITY[site.grade] <= SEVERITY[entry.grade]);
    if (index >= 0) {
      candidates.splice(index, 1);
      states.set(site, 'unchanged');
      baselinedSites.push(site);
    } else {
      states.set(site, 'new');
      newSites.push(site);
    }
  }
  const scope: AuditScope = { files: report.files, transforms: options.transforms };
  const files = new Set(report.files);
  const stale = [...available.values()].flat().filter((entry) => inScope(entry, scope, files)).sort(compareEntries);
  const failOn = options.failOn;
  const failing = failOn ? newSites.filter((site) => meetsThreshold(site.grade, failOn)) : [];
  const result: GateResult = {
    hasBaseline: options.baseline !== undefined,
    states,
    newSites,
    baselinedSites,
    failing,
    stale,
    passed: failing.length === 0,
  };
  if (failOn) result.failOn = failOn;
  return result;
}

/** Exit codes of `leakfix audit`, also documented in docs/audit.md. */
export const EXIT = { ok: 0, gateFailed: 1, filesFailed: 2, usage: 3 } as const;

/**
 * 1 when `--fail-on` found new findings at or above its grade; otherwise 2 when some file could not
 * be audited (parse or internal error: the inventory is incomplete); otherwise 0.
 */
export function auditExitCode(report: AuditReport, gate: GateResult): number {
  if (!gate.passed) return EXIT.gateFailed;
  if (report.errors.length > 0) return EXIT.filesFailed;
  return EXIT.ok;
}
