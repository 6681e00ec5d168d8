/**
 * `--format json`: the whole report as one JSON document, sites as a flat sorted list (easy to
 * query with jq), plus the gate verdict when a baseline or `--fail-on` was given.
 */
import type { AuditSite } from '../report';
import type { FormatInput } from './shared';

export const JSON_REPORT_VERSION = 1;

export interface JsonSite extends AuditSite {
  /** With `--baseline`: whether the baseline accepts this open site. */
  baseline?: 'new' | 'unchanged';
}

export function toJsonReport(input: FormatInput): Record<string, unknown> {
  const { report, gate } = input;
  const sites: JsonSite[] = report.sites.map((site) => {
    const state = gate.hasBaseline ? gate.states.get(site) : undefined;
    return state ? { ...site, baseline: state } : { ...site };
  });
  const out: Record<string, unknown> = {
    reportVersion: JSON_REPORT_VERSION,
    tool: { name: input.tool.name, version: input.tool.version },
    totals: report.totals,
    patterns: report.patterns,
    sites,
    errors: report.errors,
    skipped: report.skipped,
  };
  if (gate.hasBaseline || gate.failOn) {
    out.gate = {
      failOn: gate.failOn ?? null,
      passed: gate.passed,
      new: gate.newSites.length,
      baselined: gate.baselinedSites.length,
      failing: gate.failing.map((s) => ({ path: s.path, line: s.line, column: s.column, id: `${s.transform}/${s.pattern}`, grade: s.grade, fingerprint: s.fingerprint })),
      stale: gate.stale,
    };
  }
  return out;
}

export function formatJson(input: FormatInput): string {
  return `${JSON.stringify(toJsonReport(input), null, 2)}\n`;
}
