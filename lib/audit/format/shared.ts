/**
 * What every audit formatter receives, and the small text helpers they share.
 */
import type { GateResult } from '../baseline';
import { POLICY_REASONS } from '../../context/policies';
import { patternId, type AuditReport, type AuditSite, type RuleCatalog } from '../report';

export interface ToolInfo {
  name: string;
  version: string;
  informationUri?: string;
}

export interface FormatInput {
  report: AuditReport;
  gate: GateResult;
  catalog: RuleCatalog;
  tool: ToolInfo;
}

export function gradeLabel(grade: AuditSite['grade']): string {
  return grade.toUpperCase();
}

/** `fixable`, `manual (reason)`, `managed`, `ignored`. */
export function dispositionLabel(site: AuditSite): string {
  if (site.disposition === 'manual') return site.reason ? `manual (${site.reason})` : 'manual';
  return site.disposition;
}

export function patternDescription(catalog: RuleCatalog, transform: string, pattern: string): string | undefined {
  return catalog.get(transform)?.patterns[pattern];
}

export function reasonDescription(catalog: RuleCatalog, transform: string, reason: string): string | undefined {
  if (reason === 'leakfix-ignore') return 'Suppressed with a `// leakfix-ignore` comment.';
  return catalog.get(transform)?.reasons[reason] ?? POLICY_REASONS[reason];
}

/** Every pattern id the catalog declares plus any seen in the report, sorted. */
export function allPatternIds(input: FormatInput): Array<{ id: string; transform: string; pattern: string }> {
  const ids = new Map<string, { id: string; transform: string; pattern: string }>();
  for (const entry of input.catalog.values()) {
    for (const pattern of Object.keys(entry.patterns)) ids.set(patternId(entry.transform, pattern), { id: patternId(entry.transform, pattern), transform: entry.transform, pattern });
  }
  for (const p of input.report.patterns) ids.set(p.id, { id: p.id, transform: p.transform, pattern: p.pattern });
  return [...ids.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What to do about a site, in one clause (used by SARIF and annotations). */
export function advice(site: AuditSite, catalog: RuleCatalog): string {
  switch (site.disposition) {
    case 'fixable':
      return `fixable: run \`leakfix transform -t ${site.transform}\``;
    case 'manual': {
      const why = site.reason ? reasonDescription(catalog, site.transform, site.reason) : undefined;
      return `manual${site.reason ? ` (${site.reason})` : ''}${why ? `: ${why}` : ''}`;
    }
    case 'managed':
      return 'managed';
    case 'ignored':
      return 'ignored (leakfix-ignore)';
  }
}
