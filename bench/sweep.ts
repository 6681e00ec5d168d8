/**
 * The reliability sweep: leakfix in write mode over thousands of real files, checked for the
 * properties a migration tool must never break.
 *
 * On a temporary copy of the files (bench/.corpus for `npm run sweep`, a slice of the project's own
 * node_modules for __tests__/sweep.test.ts):
 *  1. pass 1, write mode: the run must not crash, and every file ends as changed, unchanged,
 *     skipped (with a reason) or error (with a reason);
 *  2. every written file must parse again, keep the text of every string and template literal and
 *     every comment of the original (whitespace aside), and every file not reported as written
 *     keeps its bytes;
 *  3. pass 2, write mode again: no file may change (idempotence);
 *  4. every parse failure is retried with the other parsers: one that parses with another grammar
 *     is a wrong parser choice, not a genuine failure;
 *  5. fuzz: random corpus files truncated or spliced into code that no longer parses are run in
 *     write mode: the run must not crash, must report each one and must not write any of them.
 * Per-transform counts (fixed, refused by reason) and a seeded sample of diffs are reported.
 *
 * `npm run sweep [-- --slice N] [--seed S] [--fuzz N] [--keep]` writes its results between the
 * sweep markers of BENCHMARKS.md and the sample to bench/sample-diffs.md (full corpus only).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type RunResult } from '../lib/runner/run';
import type { FileRecord } from '../lib/runner/records';
import type { TransformSummary } from '../lib/runner/summary';
import { PARSER_NAMES, parseForDetection, parserForFile, type ParserName } from '../lib/parsers';
import { isTestPath } from '../lib/context';
import { RuleOptions, optionSpecs, type LeakRule } from '../lib/rule';
import { RULES } from '../transforms';
import { codeVersion, relaunchFromSnapshot } from './report';

export interface SweepOptions {
  /** Folder the relative `files` are read from. */
  sourceRoot: string;
  files: readonly string[];
  seed: number;
  /** How many diffs to sample. */
  sampleSize: number;
  /** How many invalid files to generate for the fuzz step. */
  fuzzCount: number;
  /** Worker threads (default: the runner's default). */
  jobs?: number;
  /** Keep the temporary copy (for debugging). */
  keep?: boolean;
  /** Rules to run instead of the registry (the sweep's own test uses a deliberately broken one). */
  rules?: LeakRule[];
}

export interface ParseFailure {
  path: string;
  parser?: ParserName;
  message: string;
  /** Other parsers that read the file: non-empty means the parser choice was wrong. */
  parsesWith: ParserName[];
}

export interface FileProblem {
  path: string;
  detail: string;
}

export interface FuzzResult {
  generated: number;
  /** Mutations that still parsed (dropped before the run). */
  discardedValid: number;
  crashed: string | undefined;
  byOutcome: Record<string, number>;
  /** Fuzz files reported as changed/unchanged (a parse error went unnoticed). */
  unreported: FileProblem[];
  /** Fuzz files whose bytes changed on disk. */
  written: string[];
  missingRecords: string[];
}

export interface SweepReport {
  files: number;
  bytes: number;
  passOneMs: number;
  passTwoMs: number;
  /** A thrown error from run(): the one thing that must never happen. */
  crashed: string | undefined;
  /** Input files without a record, or with a status/reason that breaks the contract. */
  missingRecords: string[];
  badRecords: FileProblem[];
  byStatus: Record<string, number>;
  skippedByReason: Record<string, number>;
  errorsByReason: Record<string, number>;
  /** Errors other than parse errors (internal errors, timeouts, worker crashes), in full. */
  otherErrors: FileProblem[];
  parsed: number;
  changed: number;
  written: number;
  /** Written files that no longer parse. */
  unparsableWrites: FileProblem[];
  /** Written files where a string or template literal of the original changed or vanished (runtime text changed). */
  changedLiterals: FileProblem[];
  /** Written files where a comment of the original vanished (whitespace aside). */
  lostComments: FileProblem[];
  /** Files whose bytes changed without a `written` record. */
  unexpectedWrites: string[];
  /** Files the second pass changed again. */
  notIdempotent: FileProblem[];
  /** Files the second pass failed on although the first pass did not. */
  newErrorsInPassTwo: FileProblem[];
  parseFailures: ParseFailure[];
  parseFailuresByMessage: Record<string, number>;
  wrongParserChoices: ParseFailure[];
  transforms: Record<string, TransformSummary>;
  sample: Array<{ path: string; transforms: string[]; diff: string }>;
  fuzz: FuzzResult;
}

/** A small seeded PRNG (mulberry32): the same seed picks the same files and mutations. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function sha1(bytes: Uint8Array | string): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** The body the engine parses: BOM and shebang line removed (the engine keeps them aside). */
function parseBody(text: string): string {
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.startsWith('#!')) {
    const eol = body.indexOf('\n');
    body = eol < 0 ? '' : body.slice(eol + 1);
  }
  return body;
}

function parseError(text: string, parser: ParserName): string | undefined {
  try {
    parseForDetection(parseBody(text), parser);
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0];
  }
}

interface TextParts {
  literals: string[];
  comments: string[];
}

/** The string and template literal texts and the comments of a file, or undefined if it does not parse. */
export function textParts(text: string, parser: ParserName): TextParts | undefined {
  let file;
  try {
    file = parseForDetection(parseBody(text), parser);
  } catch {
    return undefined;
  }
  const literals: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const n = node as { type?: unknown; value?: unknown; extra?: { raw?: unknown } };
    if (n.type === 'StringLiteral' && typeof n.value === 'string') literals.push(n.value);
    if (n.type === 'TemplateElement') literals.push((n.value as { raw: string }).raw);
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'extra' || key === 'comments' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(file.program);
  const comments = (file.comments ?? []).map((c) => c.value.replace(/\s+/g, ' ').trim());
  return { literals, comments };
}

/** Entries of `before` missing from `after`, counting repeats (a multiset difference). */
export function missingFrom(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const item of after) left.set(item, (left.get(item) ?? 0) + 1);
  const missing: string[] = [];
  for (const item of before) {
    const n = left.get(item) ?? 0;
    if (n > 0) left.set(item, n - 1);
    else missing.push(item);
  }
  return missing;
}

/** `node_modules` segments are renamed in the copy: the runner never walks into such folders. */
function copyName(relPath: string): string {
  return relPath.split('/').map((segment) => (segment === 'node_modules' ? '_nm' : segment)).join('/');
}

function copyFiles(sourceRoot: string, files: readonly string[], target: string): { list: string[]; hashes: Map<string, string>; bytes: number } {
  const list: string[] = [];
  const hashes = new Map<string, string>();
  let bytes = 0;
  for (const file of files) {
    const rel = copyName(file);
    const destination = path.join(target, rel);
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    const content = fs.readFileSync(path.join(sourceRoot, file));
    fs.writeFileSync(destination, content);
    list.push(rel);
    hashes.set(rel, sha1(content));
    bytes += content.length;
  }
  return { list, hashes, bytes };
}

async function guardedRun(cwd: string, files: readonly string[], options: SweepOptions): Promise<{ result?: RunResult; crashed?: string; ms: number }> {
  const started = Date.now();
  try {
    const result = await run({
      cwd,
      files: [...files],
      config: false,
      mode: 'transform',
      allowDirty: true,
      // The sweep checks leakfix's own output (bytes outside changed lines kept); the corpus sits
      // under leakfix's node_modules, whose Prettier is not the packages' own.
      prettier: false,
      registry: RULES,
      ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
      ...(options.rules === undefined ? {} : { rules: options.rules }),
    });
    return { result, ms: Date.now() - started };
  } catch (error) {
    return { crashed: error instanceof Error ? (error.stack ?? error.message) : String(error), ms: Date.now() - started };
  }
}

function recordProblem(record: FileRecord): string | undefined {
  if (!['changed', 'unchanged', 'skipped', 'error'].includes(record.status)) return `unknown status ${record.status}`;
  if ((record.status === 'skipped' || record.status === 'error') && !record.reason) return `${record.status} without a reason`;
  if (record.status === 'changed' && !record.diff) return 'changed without a diff';
  return undefined;
}

function messageKind(message: string | undefined): string {
  return (message ?? 'no message').replace(/\s*\(\d+:\d+\)\s*$/, '').replace(/\d+/g, 'N').slice(0, 120);
}

/** Makes a file that no longer parses: truncated inside its code, or spliced with another file. */
function mutate(text: string, other: string, next: () => number): string {
  const cut = (s: string): number => Math.floor(s.length * (0.2 + 0.7 * next()));
  switch (Math.floor(next() * 3)) {
    case 0:
      return text.slice(0, cut(text));
    case 1: {
      const at = cut(text);
      const from = Math.floor(other.length * next());
      return text.slice(0, at) + other.slice(from, from + 200 + Math.floor(next() * 2000)) + text.slice(at);
    }
    default: {
      // Drop a closing brace/paren/bracket somewhere in the second half.
      const closers: number[] = [];
      for (let i = Math.floor(text.length / 2); i < text.length; i++) if ('})]'.includes(text[i])) closers.push(i);
      if (closers.length === 0) return text.slice(0, cut(text));
      const at = closers[Math.floor(next() * closers.length)];
      return text.slice(0, at) + text.slice(at + 1);
    }
  }
}

/** Whether the engine will parse this file: some rule applies to it and its prefilter matches. */
function engineParses(filePath: string, text: string, rules: readonly LeakRule[]): boolean {
  return rules.some((rule) => {
    if (rule.meta.skipsTestFiles && isTestPath(filePath)) return false;
    const prefilter = rule.meta.prefilterFor?.(new RuleOptions(optionSpecs(rule.meta), {})) ?? rule.meta.prefilter;
    prefilter.lastIndex = 0;
    return prefilter.test(text);
  });
}

async function fuzz(options: SweepOptions, candidates: readonly string[], workDir: string, next: () => number): Promise<FuzzResult> {
  const fuzzDir = path.join(workDir, 'fuzz');
  const files: string[] = [];
  const hashes = new Map<string, string>();
  let discardedValid = 0;
  const pool = shuffle(candidates, next);
  for (let i = 0; files.length < options.fuzzCount && i < pool.length * 3; i++) {
    const source = pool[i % pool.length];
    const text = fs.readFileSync(path.join(options.sourceRoot, source), 'utf8');
    const other = fs.readFileSync(path.join(options.sourceRoot, pool[(i * 7 + 3) % pool.length]), 'utf8');
    const mutated = mutate(text, other, next);
    const rel = `${String(files.length).padStart(4, '0')}-${path.basename(copyName(source))}`;
    // Only code that really fails to parse, and that leakfix will parse (a prefilter matches).
    if (!engineParses(rel, parseBody(mutated), options.rules ?? RULES) || parseError(mutated, parserForFile(rel, mutated)) === undefined) {
      discardedValid++;
      continue;
    }
    fs.mkdirSync(fuzzDir, { recursive: true });
    fs.writeFileSync(path.join(fuzzDir, rel), mutated);
    files.push(rel);
    hashes.set(rel, sha1(mutated));
  }
  const outcome = await guardedRun(fuzzDir, files, options);
  const byOutcome: Record<string, number> = {};
  const unreported: FileProblem[] = [];
  const written: string[] = [];
  const seen = new Set<string>();
  for (const record of outcome.result?.records ?? []) {
    seen.add(record.path);
    bump(byOutcome, `${record.status}${record.reason ? `: ${record.reason}` : ''}`);
    if (record.status === 'changed' || record.status === 'unchanged') unreported.push({ path: record.path, detail: record.status });
  }
  for (const file of files) {
    if (sha1(fs.readFileSync(path.join(fuzzDir, file))) !== hashes.get(file)) written.push(file);
  }
  return {
    generated: files.length,
    discardedValid,
    crashed: outcome.crashed,
    byOutcome,
    unreported,
    written,
    missingRecords: outcome.result ? files.filter((f) => !seen.has(f)) : [],
  };
}

export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakfix-sweep-'));
  const next = random(options.seed);
  try {
    const copyDir = path.join(workDir, 'copy');
    const { list, hashes, bytes } = copyFiles(options.sourceRoot, options.files, copyDir);
    const originalOf = new Map(list.map((rel, i) => [rel, options.files[i]]));

    const one = await guardedRun(copyDir, list, options);
    const records = one.result?.records ?? [];
    const byPath = new Map(records.map((r) => [r.path, r]));
    const byStatus: Record<string, number> = {};
    const skippedByReason: Record<string, number> = {};
    const errorsByReason: Record<string, number> = {};
    const badRecords: FileProblem[] = [];
    const otherErrors: FileProblem[] = [];
    const parseFailures: ParseFailure[] = [];
    for (const record of records) {
      bump(byStatus, record.status);
      const problem = recordProblem(record);
      if (problem) badRecords.push({ path: record.path, detail: problem });
      if (record.status === 'skipped') bump(skippedByReason, record.reason ?? 'none');
      if (record.status !== 'error') continue;
      bump(errorsByReason, record.reason ?? 'none');
      if (record.reason !== 'parse-error') {
        otherErrors.push({ path: record.path, detail: `${record.reason}${record.transform ? ` in ${record.transform}` : ''}: ${record.message ?? ''}` });
        continue;
      }
      const text = fs.readFileSync(path.join(options.sourceRoot, originalOf.get(record.path) ?? record.path), 'utf8');
      const parsesWith = PARSER_NAMES.filter((p) => p !== record.parser && parseError(text, p) === undefined);
      parseFailures.push({ path: record.path, parser: record.parser, message: record.message ?? '', parsesWith });
    }
    const missingRecords = one.result ? list.filter((file) => !byPath.has(file)) : [];

    // What is on disk after pass 1: written files must parse, others must keep their bytes.
    const unparsableWrites: FileProblem[] = [];
    const changedLiterals: FileProblem[] = [];
    const lostComments: FileProblem[] = [];
    const unexpectedWrites: string[] = [];
    let written = 0;
    for (const file of list) {
      const record = byPath.get(file);
      const text = fs.readFileSync(path.join(copyDir, file), 'utf8');
      const changedOnDisk = sha1(text) !== hashes.get(file);
      if (record?.written) {
        written++;
        const parser = record.parser ?? parserForFile(file, text);
        const error = parseError(text, parser);
        if (error) unparsableWrites.push({ path: file, detail: error });
        const before = textParts(fs.readFileSync(path.join(options.sourceRoot, originalOf.get(file) ?? file), 'utf8'), parser);
        const after = error ? undefined : textParts(text, parser);
        if (before && after) {
          const literals = missingFrom(before.literals, after.literals);
          if (literals.length) changedLiterals.push({ path: file, detail: `${literals.length} literal(s) changed, e.g. ${JSON.stringify(literals[0].slice(0, 120))}` });
          const comments = missingFrom(before.comments, after.comments);
          if (comments.length) lostComments.push({ path: file, detail: `${comments.length} comment(s) lost, e.g. ${JSON.stringify(comments[0].slice(0, 120))}` });
        }
      } else if (changedOnDisk) {
        unexpectedWrites.push(file);
      }
    }

    const two = await guardedRun(copyDir, list, options);
    const notIdempotent: FileProblem[] = [];
    const newErrorsInPassTwo: FileProblem[] = [];
    for (const record of two.result?.records ?? []) {
      if (record.status === 'changed') notIdempotent.push({ path: record.path, detail: (record.diff ?? '').slice(0, 4000) });
      if (record.status === 'error' && byPath.get(record.path)?.status !== 'error') {
        newErrorsInPassTwo.push({ path: record.path, detail: `${record.reason}: ${record.message ?? ''}` });
      }
    }

    const parseFailuresByMessage: Record<string, number> = {};
    for (const failure of parseFailures) bump(parseFailuresByMessage, messageKind(failure.message));

    const changedRecords = records.filter((r) => r.status === 'changed' && r.diff);
    const sample = shuffle(changedRecords, next)
      .slice(0, options.sampleSize)
      .sort((a, b) => (a.path < b.path ? -1 : 1))
      .map((r) => ({
        path: originalOf.get(r.path) ?? r.path,
        transforms: [...new Set(r.findings.filter((f) => f.status === 'fixed').map((f) => f.transform))],
        diff: r.diff ?? '',
      }));

    const candidates = options.files.filter((file) => {
      const record = byPath.get(copyName(file));
      return record?.parsed === true && record.status !== 'error';
    });
    const fuzzResult = await fuzz(options, candidates, workDir, next);

    return {
      files: list.length,
      bytes,
      passOneMs: one.ms,
      passTwoMs: two.ms,
      crashed: one.crashed ?? two.crashed,
      missingRecords,
      badRecords,
      byStatus,
      skippedByReason,
      errorsByReason,
      otherErrors,
      parsed: records.filter((r) => r.parsed).length,
      changed: byStatus.changed ?? 0,
      written,
      unparsableWrites,
      changedLiterals,
      lostComments,
      unexpectedWrites,
      notIdempotent,
      newErrorsInPassTwo,
      parseFailures,
      parseFailuresByMessage,
      wrongParserChoices: parseFailures.filter((f) => f.parsesWith.length > 0),
      transforms: one.result?.summary.transforms ?? {},
      sample,
      fuzz: fuzzResult,
    };
  } finally {
    if (options.keep) process.stderr.write(`[sweep] kept ${workDir}\n`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** The checks that must hold, as failure messages (empty when the sweep passed). */
export function sweepFailures(report: SweepReport): string[] {
  const failures: string[] = [];
  if (report.crashed) failures.push(`the run crashed: ${report.crashed.split('\n')[0]}`);
  if (report.missingRecords.length) failures.push(`${report.missingRecords.length} files without a record`);
  if (report.badRecords.length) failures.push(`${report.badRecords.length} records break the contract`);
  if (report.unparsableWrites.length) failures.push(`${report.unparsableWrites.length} written files do not parse`);
  if (report.changedLiterals.length) failures.push(`${report.changedLiterals.length} written files changed the text of a string or template literal`);
  if (report.lostComments.length) failures.push(`${report.lostComments.length} written files lost a comment`);
  if (report.unexpectedWrites.length) failures.push(`${report.unexpectedWrites.length} files changed on disk without a written record`);
  if (report.notIdempotent.length) failures.push(`${report.notIdempotent.length} files changed again in the second run`);
  if (report.newErrorsInPassTwo.length) failures.push(`${report.newErrorsInPassTwo.length} files fail in the second run only`);
  if (report.wrongParserChoices.length) failures.push(`${report.wrongParserChoices.length} parse failures parse with another parser`);
  if (report.fuzz.crashed) failures.push(`the fuzz run crashed: ${report.fuzz.crashed.split('\n')[0]}`);
  if (report.fuzz.missingRecords.length) failures.push(`${report.fuzz.missingRecords.length} fuzz files without a record`);
  if (report.fuzz.unreported.length) failures.push(`${report.fuzz.unreported.length} invalid fuzz files not reported as failed or skipped`);
  if (report.fuzz.written.length) failures.push(`${report.fuzz.written.length} invalid fuzz files were written`);
  return failures;
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}

function problemList(title: string, problems: readonly FileProblem[], limit = 15): string[] {
  if (problems.length === 0) return [];
  const lines = [``, `${title} (${problems.length}${problems.length > limit ? `, first ${limit}` : ''}):`, ''];
  for (const p of problems.slice(0, limit)) lines.push(`- \`${p.path}\`: ${p.detail.split('\n')[0].slice(0, 300)}`);
  return lines;
}

export function formatSweep(report: SweepReport, corpusLine: string): string {
  const failures = sweepFailures(report);
  const lines: string[] = [];
  lines.push(`Swept ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${codeVersion()}): ${corpusLine}. Pass 1 took ${(report.passOneMs / 1000).toFixed(1)} s, pass 2 ${(report.passTwoMs / 1000).toFixed(1)} s.`);
  lines.push('');
  lines.push('| check | result |');
  lines.push('|---|---|');
  lines.push(`| crashes of the run (pass 1, pass 2, fuzz) | ${report.crashed || report.fuzz.crashed ? 'CRASHED' : '0'} |`);
  lines.push(`| files without a record / records without a reason | ${report.missingRecords.length} / ${report.badRecords.length} |`);
  lines.push(`| files by status (pass 1) | ${counts(report.byStatus)} |`);
  lines.push(`| skipped by reason | ${counts(report.skippedByReason)} |`);
  lines.push(`| errors by reason | ${counts(report.errorsByReason)} |`);
  lines.push(`| parsed (a prefilter matched) | ${report.parsed} of ${report.files} |`);
  lines.push(`| written files / written files that fail to parse | ${report.written} / ${report.unparsableWrites.length} |`);
  lines.push(`| written files where a string/template literal's text changed / a comment was lost | ${report.changedLiterals.length} / ${report.lostComments.length} |`);
  lines.push(`| files changed on disk without a write record | ${report.unexpectedWrites.length} |`);
  lines.push(`| files changed by the second run (idempotence) | ${report.notIdempotent.length} |`);
  lines.push(`| files failing only in the second run | ${report.newErrorsInPassTwo.length} |`);
  lines.push(`| parse failures / that another parser reads (wrong choice) | ${report.parseFailures.length} / ${report.wrongParserChoices.length} |`);
  lines.push(
    `| fuzz: invalid files run / reported / written | ${report.fuzz.generated} / ${report.fuzz.generated - report.fuzz.unreported.length - report.fuzz.missingRecords.length} (${counts(report.fuzz.byOutcome)}) / ${report.fuzz.written.length} |`,
  );
  lines.push(`| **verdict** | ${failures.length === 0 ? '**pass**' : `**FAIL**: ${failures.join('; ')}`} |`);
  lines.push('');
  lines.push('Per transform (pass 1):');
  lines.push('');
  lines.push('| transform | files changed | fixed | refused | refused by reason | already managed | ignored |');
  lines.push('|---|---:|---:|---:|---|---:|---:|');
  for (const [name, t] of Object.entries(report.transforms)) {
    lines.push(`| ${name} | ${t.files} | ${t.fixed} | ${t.refused} | ${counts(t.refusedByReason)} | ${t.ok} | ${t.ignored} |`);
  }
  if (Object.keys(report.parseFailuresByMessage).length > 0) {
    lines.push('');
    lines.push('Parse failures by message (each retried with every other parser):');
    lines.push('');
    for (const [message, n] of Object.entries(report.parseFailuresByMessage).sort((a, b) => b[1] - a[1])) lines.push(`- ${n} × ${message}`);
    lines.push('');
    for (const f of report.parseFailures.slice(0, 20)) {
      lines.push(`  - \`${f.path}\` (${f.parser}): ${f.message}${f.parsesWith.length ? ` — parses with ${f.parsesWith.join(', ')}` : ''}`);
    }
  }
  lines.push(...problemList('Errors other than parse errors', report.otherErrors));
  lines.push(...problemList('Written files that do not parse', report.unparsableWrites));
  lines.push(...problemList('Written files whose literal text changed', report.changedLiterals));
  lines.push(...problemList('Written files that lost a comment', report.lostComments));
  lines.push(...problemList('Not idempotent', report.notIdempotent));
  lines.push(...problemList('Failing only in the second run', report.newErrorsInPassTwo));
  lines.push(...problemList('Fuzz files not reported', report.fuzz.unreported));
  return lines.join('\n');
}

export function formatSample(report: SweepReport, corpusLine: string, seed: number): string {
  const lines = [
    '# Sample diffs from the reliability sweep',
    '',
    `${report.sample.length} of the ${report.changed} files leakfix changed in \`npm run sweep\` (${corpusLine}), picked with seed ${seed}.`,
    'Generated by bench/sweep.ts; paths are relative to bench/.corpus/tree (installed packages).',
    '',
  ];
  for (const item of report.sample) {
    lines.push(`## ${item.path}`, '', `Transforms: ${item.transforms.join(', ') || 'none recorded'}`, '', '```diff', item.diff.trimEnd(), '```', '');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  codeVersion();
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  // Loaded here so that importing this module (the test does) needs no corpus.
  const { loadCorpus, slice, TREE_DIR } = await import('./corpus');
  const { replaceSection, REPO_ROOT } = await import('./report');
  const manifest = loadCorpus();
  const sliceSize = value('--slice');
  const files = sliceSize ? slice(manifest.files, Number(sliceSize)) : manifest.files;
  const seed = Number(value('--seed') ?? 20240611);
  const jobs = value('--jobs');
  const started = Date.now();
  const report = await runSweep({
    sourceRoot: TREE_DIR,
    files,
    seed,
    sampleSize: 30,
    fuzzCount: Number(value('--fuzz') ?? 300),
    keep: argv.includes('--keep'),
    ...(jobs === undefined ? {} : { jobs: Number(jobs) }),
  });
  const corpusLine = sliceSize
    ? `a slice of ${files.length} corpus files`
    : `the benchmark corpus, ${report.files} files, ${(report.bytes / 1e6).toFixed(1)} MB, on ${os.availableParallelism()} cores`;
  const text = formatSweep(report, corpusLine);
  process.stdout.write(`${text}\n`);
  process.stderr.write(`[sweep] done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  fs.writeFileSync(path.join(TREE_DIR, '..', sliceSize ? 'sweep-slice.json' : 'sweep.json'), JSON.stringify(report, null, 1));
  if (!sliceSize) {
    replaceSection(path.join(REPO_ROOT, 'BENCHMARKS.md'), 'sweep', text);
    fs.writeFileSync(path.join(REPO_ROOT, 'bench', 'sample-diffs.md'), formatSample(report, corpusLine, seed));
    process.stderr.write('[sweep] wrote BENCHMARKS.md (sweep section) and bench/sample-diffs.md\n');
  }
  process.exitCode = sweepFailures(report).length === 0 ? 0 : 1;
}

if (require.main === module && !relaunchFromSnapshot('sweep.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
