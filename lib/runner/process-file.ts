/**
 * One file, start to finish, as a worker thread (or the main thread, for tiny runs) does it:
 * stat, size limit, read, binary and encoding checks, generated-code check, then the engine, then
 * the diff. Never throws: every problem becomes the file's record.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { processSource, type Mode } from '../engine';
import { firstLine } from '../text';
import type { ParserName } from '../parsers';
import { RuleOptions, optionSpecs, type LeakRule, type RulePreparation } from '../rule';
import { ContextResolver, type FileContext } from '../context';
import { binaryReason, decodeUtf8, generatedVerdict } from './content';
import { formatWithRepositoryPrettier } from './prettier';
import { unifiedDiff } from './diff';
import type { FileRecord, RecordContext } from './records';

/** Everything a worker needs besides the rules; plain data, so it can be sent to threads. */
export interface ProcessSettings {
  cwd: string;
  mode: Mode;
  parser?: ParserName;
  ruleOptions: Record<string, Record<string, unknown>>;
  runtimeImport: string;
  maxSize: number;
  /** Format changed files with the repository's own Prettier (see prettier.ts). Default true. */
  prettier?: boolean;
  /** Every transform name a scoped ignore comment may list. */
  knownTransforms?: string[];
  /** Report `leakfix-ignore` comments that suppress nothing. */
  reportUnusedIgnores?: boolean;
  /** `--include-tests`: transform test and fixture files too. */
  includeTests?: boolean;
  /** Allow fixes that add the runtime in published library packages. */
  runtimeInLibraries?: boolean;
  /** Allow fixes that add the runtime in browser code. */
  runtimeInBrowser?: boolean;
}

export interface FileResult {
  record: FileRecord;
  /** The new text of a `changed` file (transform mode), for the main thread to write. */
  output?: string;
  /** sha1 of the bytes the worker read, so the writer can tell the file did not change since. */
  originalHash?: string;
  /** What rules prepared before the file's time started (a TypeScript Program built, a notice). */
  prepared?: Array<RulePreparation & { transform: string }>;
}

/** The rules that prepare per-run state for these settings (track-async with `typed`). */
export function preparingRules(rules: readonly LeakRule[], settings: ProcessSettings): LeakRule[] {
  return rules.filter((rule) => rule.prepare?.needed(ruleOptionsOf(rule, settings)) === true);
}

function ruleOptionsOf(rule: LeakRule, settings: ProcessSettings): RuleOptions {
  return new RuleOptions(optionSpecs(rule.meta), settings.ruleOptions[rule.meta.name] ?? {});
}

/**
 * Runs each preparing rule's `prepare.file` for one file, before its time limit starts; never
 * throws (a failure becomes a notice, and the rule then falls back on its own).
 */
export function prepareFile(relPath: string, rules: readonly LeakRule[], settings: ProcessSettings): FileResult['prepared'] {
  if (rules.length === 0) return undefined;
  const absolute = path.resolve(settings.cwd, relPath);
  const prepared: NonNullable<FileResult['prepared']> = [];
  for (const rule of rules) {
    let result: RulePreparation;
    try {
      result = rule.prepare!.file(absolute, ruleOptionsOf(rule, settings));
    } catch (error) {
      result = { notice: `preparing failed: ${firstLine(error instanceof Error ? error.message : String(error))}` };
    }
    if (result.built || result.notice) prepared.push({ transform: rule.meta.name, ...result });
  }
  return prepared.length > 0 ? prepared : undefined;
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The context as a record shows it: package.json as a path relative to the run's cwd. */
export function recordContext(context: FileContext, cwd: string): RecordContext {
  const out: RecordContext = { role: context.role, roleEvidence: context.roleEvidence, moduleKind: context.moduleKind, moduleEvidence: context.moduleEvidence, environment: context.environment, environmentEvidence: context.environmentEvidence };
  if (context.package) {
    out.package = { manifest: path.relative(cwd, context.package.manifest).split(path.sep).join('/') || 'package.json', kind: context.package.kind };
    if (context.package.name !== undefined) out.package.name = context.package.name;
  }
  return out;
}

/**
 * The path a diff names: relative to the file's git root (as `git diff` does, so `git apply` works
 * from any folder of the repository); outside a repository, relative to the cwd; never `../`.
 */
export function diffPath(absolute: string, cwd: string, resolver: ContextResolver): string {
  const root = resolver.gitRoot(path.dirname(absolute));
  const posix = (p: string): string => p.split(path.sep).join('/');
  if (root) return posix(path.relative(root, absolute));
  const relative = path.relative(cwd, absolute);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return posix(relative);
  return posix(absolute).replace(/^([a-zA-Z]:)?\/+/, '');
}

/**
 * One file, read from disk, or given as `source` (`--stdin`: the bytes stand for the file at
 * `relPath`, which need not exist; they get the same checks, context and formatting).
 */
export async function processFile(
  relPath: string,
  rules: readonly LeakRule[],
  settings: ProcessSettings,
  resolver: ContextResolver = new ContextResolver(),
  source?: Buffer,
): Promise<FileResult> {
  const started = performance.now();
  const record = (fields: Omit<FileRecord, 'path' | 'durationMs' | 'findings'> & { findings?: FileRecord['findings'] }): FileRecord => ({
    path: relPath,
    findings: [],
    ...fields,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  });
  const absolute = path.resolve(settings.cwd, relPath);

  let bytes: Buffer;
  if (source !== undefined) {
    bytes = source;
  } else {
    try {
      const stat = fs.statSync(absolute);
      if (!stat.isFile()) return { record: record({ status: 'skipped', reason: 'not-a-file', parsed: false }) };
      if (stat.size > settings.maxSize) {
        return { record: record({ status: 'skipped', reason: 'too-large', message: `${stat.size} bytes, over the ${settings.maxSize}-byte limit (--max-size)`, parsed: false }) };
      }
      bytes = fs.readFileSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'not-found' : 'unreadable';
      return { record: record({ status: 'skipped', reason, message: firstLine(error instanceof Error ? error.message : String(error)), parsed: false }) };
    }
  }
  if (bytes.length > settings.maxSize) {
    return { record: record({ status: 'skipped', reason: 'too-large', message: `${bytes.length} bytes, over the ${settings.maxSize}-byte limit (--max-size)`, parsed: false }) };
  }
  const binary = binaryReason(bytes);
  if (binary) return { record: record({ status: 'skipped', reason: binary, parsed: false }) };
  const text = decodeUtf8(bytes);
  if (text === undefined) return { record: record({ status: 'skipped', reason: 'not-utf8', message: 'not valid UTF-8 text', parsed: false }) };
  const generated = generatedVerdict(text);
  if (generated) return { record: record({ status: 'skipped', reason: generated.reason, message: generated.message, parsed: false }) };

  let outcome;
  let context: FileContext;
  try {
    context = resolver.fileContext(absolute, text);
    outcome = processSource(
      relPath,
      text,
      {
        rules,
        mode: settings.mode,
        parser: settings.parser,
        ruleOptions: settings.ruleOptions,
        runtimeImport: settings.runtimeImport,
        includeTests: settings.includeTests,
        runtimeInLibraries: settings.runtimeInLibraries,
        runtimeInBrowser: settings.runtimeInBrowser,
        knownTransforms: settings.knownTransforms,
        reportUnusedIgnores: settings.reportUnusedIgnores,
      },
      context,
    );
  } catch (error) {
    // The engine turns rule failures into outcomes; anything reaching here is the engine's own bug.
    return { record: record({ status: 'error', reason: 'internal-error', message: `leakfix failed: ${firstLine(error instanceof Error ? error.message : String(error))}`, parsed: true }) };
  }

  const fields: Omit<FileRecord, 'path' | 'durationMs' | 'findings'> & { findings: FileRecord['findings'] } = {
    status: outcome.status,
    findings: outcome.findings,
    parsed: outcome.parsed,
    context: recordContext(context, settings.cwd),
  };
  if (outcome.reason !== undefined) fields.reason = outcome.reason;
  if (outcome.message !== undefined) fields.message = outcome.message;
  if (outcome.transform !== undefined) fields.transform = outcome.transform;
  if (outcome.parser !== undefined) fields.parser = outcome.parser;
  if (outcome.unusedIgnores) fields.unusedIgnores = outcome.unusedIgnores;
  if (outcome.status === 'changed' && outcome.output !== undefined && settings.mode === 'transform') {
    let output = outcome.output;
    if (settings.prettier !== false) {
      const verdict = await formatWithRepositoryPrettier(absolute, text, output);
      if (verdict.kind === 'formatted') {
        output = verdict.output;
        fields.formatter = `prettier@${verdict.version}`;
      } else if (verdict.reason === 'failed') {
        fields.formatter = `none: prettier failed (${verdict.message ?? 'unknown error'}), only the changed lines differ`;
      }
    }
    if (output === text) {
      fields.status = 'unchanged';
      return { record: record(fields) };
    }
    fields.diff = unifiedDiff(diffPath(absolute, settings.cwd, resolver), text, output);
    if (outcome.runtimeImportAdded) fields.runtimeImportAdded = true;
    fields.written = false;
    return { record: record(fields), output, originalHash: hashBytes(bytes) };
  }
  return { record: record(fields) };
}
