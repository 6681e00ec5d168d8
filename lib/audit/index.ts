/**
 * `leakfix audit` as pure functions: FileRecords in, graded report, gate verdict and formatted
 * text out. The CLI (lib/cli/audit.ts) only adds reading, writing and exit codes.
 */
import type { FileRecord } from '../runner/records';
import type { LeakRule } from '../rule';
import { auditExitCode, evaluateGate, type Baseline, type FailOn, type GateResult } from './baseline';
import { buildAuditReport, ruleCatalog, type AuditReport, type RuleCatalog } from './report';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { formatMarkdown } from './format/markdown';
import { formatSarif } from './format/sarif';
import { formatTerminal } from './format/terminal';
import type { FormatInput, ToolInfo } from './format/shared';

export * from './report';
export * from './baseline';
export type { FormatInput, ToolInfo } from './format/shared';
export { formatTerminal } from './format/terminal';
export { formatJson, toJsonReport } from './format/json';
export { formatMarkdown } from './format/markdown';
export { formatSarif, toSarif, FINGERPRINT_KEY, SARIF_SCHEMA_URI, type SarifLog } from './format/sarif';
export { formatGithub, escapeData, escapeProperty } from './format/github';

export const AUDIT_FORMATS = ['terminal', 'json', 'markdown', 'sarif', 'github'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function isAuditFormat(value: string): value is AuditFormat {
  return (AUDIT_FORMATS as readonly string[]).includes(value);
}

export interface AuditOptions {
  rules: readonly LeakRule[];
  tool: ToolInfo;
  failOn?: FailOn;
  baseline?: Baseline;
  /** The transforms that ran (for stale baseline entries); default all. */
  transforms?: readonly string[];
}

export interface AuditResult {
  report: AuditReport;
  gate: GateResult;
  catalog: RuleCatalog;
  tool: ToolInfo;
  exitCode: number;
}

export function auditRecords(records: readonly FileRecord[], options: AuditOptions): AuditResult {
  const report = buildAuditReport(records);
  const gate = evaluateGate(report, { failOn: options.failOn, baseline: options.baseline, transforms: options.transforms });
  return { report, gate, catalog: ruleCatalog(options.rules), tool: options.tool, exitCode: auditExitCode(report, gate) };
}

export function formatAudit(input: FormatInput, format: AuditFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case 'terminal':
      return formatTerminal(input, { color: options.color ?? false });
    case 'json':
      return formatJson(input);
    case 'markdown':
      return formatMarkdown(input);
    case 'sarif':
      return formatSarif(input);
    case 'github':
      return formatGithub(input);
  }
}
