/**
 * The library layer's API: the runner, the engine, the audit and their types, with no transforms
 * of its own (`run()` and `audit()` run the `registry` or `rules` they are given). The package
 * entry (index.ts at the top) composes it with the transforms in transforms/.
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
export { audit, type AuditRunOptions } from './audit/command';
export { formatAudit, buildAuditReport, evaluateGate, type AuditReport, type AuditSite, type AuditResult, type AuditFormat } from './audit';
