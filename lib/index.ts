/**
 * leakfix's programmatic API. `run()` is what the CLI uses: it returns one record per file and
 * a summary, and never prints.
 *
 *   import { run } from 'leakfix';
 *   const result = await run({ paths: ['src'], dry: true });
 *   for (const file of result.records) if (file.status === 'changed') console.log(file.diff);
 */
export { run, exitCodeFor, DEFAULT_MAX_SIZE, DEFAULT_TIMEOUT_MS, type RunOptions, type RunResult, type RunProgress } from './runner/run';
export type { FileRecord } from './runner/records';
export type { Summary, TransformSummary } from './runner/summary';
export { UsageError } from './runner/errors';
export { formatDiffs, formatJson, formatMarkdown, formatTextSummary, jsonReport, type JsonReport } from './runner/report';
export { loadConfig, type LeakfixConfig } from './runner/config';
export { processSource, DEFAULT_RUNTIME_IMPORT, type EngineSettings, type FileOutcome, type Mode } from './engine';
export type { Finding, FindingStatus, Grade, Position } from './findings';
export { ContextResolver, classifyFile, type FileContext, type FileRole, type ModuleKind } from './context';
export { RuleOptions, optionSpecs, type LeakRule, type RuleMeta, type OptionSpec } from './rule';
export { textEdits, applyTextEdits, type TextEdit } from './text-edits';
export { lineIndexAt, lineStartOffsets } from './text';
export { RULES, RULE_NAMES } from '../transforms';
export { audit, type AuditRunOptions } from './audit/command';
export { formatAudit, buildAuditReport, evaluateGate, type AuditReport, type AuditSite, type AuditResult, type AuditFormat } from './audit';
