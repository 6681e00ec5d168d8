/**
 * `run()`: one leakfix run, start to finish, as data. Configuration, rule selection, discovery,
 * sharding, the worker pool (or the main thread for tiny runs), the dirty-tree guard and the
 * atomic writes. The CLI calls this and formats what it returns; it never parses its own output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RUNTIME_IMPORT, type Mode } from '../engine';
import { PARSER_NAMES, type ParserName } from '../parsers';
import type { LeakRule } from '../rule';
import { loadConfig, validateConfigOptions, type LeakfixConfig } from './config';
import { DEFAULT_EXTENSIONS, discoverFiles } from './discovery';
import { UsageError } from './errors';
import { changedSince, dirtyFiles, findGitRoot, gitRootsOf } from './git';
import { runPool, workerScriptAvailable } from './pool';
import { processFile, type FileResult, type ProcessSettings } from './process-file';
import type { FileRecord } from './records';
import { builtinRules, resolveRules, selectRules, type ResolvedRule } from './rules';
import { inShard, parseShard, type Shard } from './shard';
import { summarize, type Summary } from './summary';
import { writeIfUnchanged } from './write';

export const DEFAULT_MAX_SIZE = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Runs this small stay in the main thread unless `jobs` is set: starting workers would cost more. */
export const IN_PROCESS_MAX_FILES = 24;

export interface RunProgress {
  done: number;
  total: number;
  changed: number;
  failed: number;
  elapsedMs: number;
}

export interface RunOptions {
  /** Base directory for paths, config lookup and record paths. Default: process.cwd(). */
  cwd?: string;
  /** Files and directories to process. Default: `.` (unless `filesFrom` / `files` is given). */
  paths?: string[];
  /** A file listing paths, one per line (`-` reads stdin). Missing entries are skipped, not errors. */
  filesFrom?: string;
  /** Paths listed programmatically, treated like `filesFrom` entries. */
  files?: string[];
  /** `transform` (default) rewrites; `audit` only reports findings. */
  mode?: Mode;
  /** Write nothing; records still carry diffs. */
  dry?: boolean;
  /** Write nothing; the exit code is 1 when any file would change. */
  check?: boolean;
  /** Only these transforms (names). */
  transforms?: string[];
  /** Leave out these transforms (names). */
  skip?: string[];
  /** The rule set to use instead of the built-in registry: rule objects or module paths. */
  rules?: Array<LeakRule | string>;
  /** Rules added after the registry (or after `rules`). */
  extraRules?: Array<LeakRule | string>;
  /** Per-transform option values, merged over the config's `options`. */
  ruleOptions?: Record<string, Record<string, unknown>>;
  runtimeImport?: string;
  parser?: ParserName;
  extensions?: string[];
  include?: string[];
  exclude?: string[];
  /** Only files changed since this git ref (committed, staged, unstaged or untracked). */
  changedSince?: string;
  /** Bytes; larger files are skipped. Default 1 MB. */
  maxSize?: number;
  /** Worker threads. Default: the number of cores. 0 runs everything in the main thread. */
  jobs?: number;
  /** Per-file time limit in ms (worker threads only). Default 30 s. */
  timeoutMs?: number;
  /** `i/n` or `{ index, count }` (1-based). */
  shard?: Shard | string;
  /** Write even when target files have uncommitted changes. */
  allowDirty?: boolean;
  /** A config file path, or false to ignore configuration files. Default: looked up from cwd. */
  config?: string | false;
  onProgress?(progress: RunProgress): void;
  /** Called once the file list is known, before any file is processed. */
  onStart?(info: { files: number; jobs: number; inProcess: boolean }): void;
}

export interface RunResult {
  mode: Mode;
  /** True when changes were meant to be written (not dry, not check, not audit). */
  apply: boolean;
  check: boolean;
  cwd: string;
  /** The transforms that ran, in order. */
  transforms: string[];
  rules: LeakRule[];
  /** Sorted by path. */
  records: FileRecord[];
  summary: Summary;
  /** Files with uncommitted changes that would have been written: nothing was written. */
  dirtyRefused: string[];
  configSource?: string;
  jobs: number;
  inProcess: boolean;
  exitCode: number;
}

function readFileList(source: string, cwd: string): string[] {
  let text: string;
  try {
    text = source === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(path.resolve(cwd, source), 'utf8');
  } catch (error) {
    throw new UsageError(`--files-from: cannot read ${source}: ${(error as Error).message.split('\n')[0]}`);
  }
  return text.split(/\r?\n|\0/).map((line) => line.trim()).filter(Boolean);
}

function mergeRuleOptions(...layers: Array<Record<string, Record<string, unknown>> | undefined>): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const layer of layers) {
    for (const [name, values] of Object.entries(layer ?? {})) merged[name] = { ...(merged[name] ?? {}), ...values };
  }
  return merged;
}

/** 3: usage (nothing written because of the dirty tree), 2: failed files, 1: --check found changes, 0: done. */
export function exitCodeFor(result: Pick<RunResult, 'dirtyRefused' | 'summary' | 'check'>): number {
  if (result.dirtyRefused.length > 0) return 3;
  if (result.summary.failed > 0) return 2;
  if (result.check && result.summary.changed > 0) return 1;
  return 0;
}

export async function run(options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  if (!fs.existsSync(cwd)) throw new UsageError(`directory not found: ${cwd}`);
  const loaded = options.config === false ? { config: {} as LeakfixConfig } : loadConfig(cwd, options.config);
  const config = loaded.config;
  const mode: Mode = options.mode ?? 'transform';
  const check = options.check === true && mode === 'transform';
  const apply = mode === 'transform' && !options.dry && !check;

  const allRules = [...(options.rules ? resolveRules(options.rules, cwd) : builtinRules()), ...resolveRules(options.extraRules ?? [], cwd)];
  if (config.options) validateConfigOptions(config.options, allRules.map((r) => r.rule), loaded.source ?? 'config');
  if (options.ruleOptions) validateConfigOptions(options.ruleOptions, allRules.map((r) => r.rule), 'ruleOptions');
  const configLabel = (key: string): string => `${loaded.source ?? 'config'} "${key}"`;
  const selected: ResolvedRule[] = selectRules(allRules, options.transforms ?? config.transforms, options.skip ?? config.skip, {
    only: options.transforms ? '--transform' : configLabel('transforms'),
    skip: options.skip ? '--skip' : configLabel('skip'),
  });
  const rules = selected.map((r) => r.rule);
  const parser = options.parser ?? config.parser;
  if (parser !== undefined && !PARSER_NAMES.includes(parser)) throw new UsageError(`unknown parser "${String(parser)}" (valid: ${PARSER_NAMES.join(', ')})`);
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  if (shard) parseShard(`${shard.index}/${shard.count}`);
  const maxSize = options.maxSize ?? config.maxSize ?? DEFAULT_MAX_SIZE;
  if (!(maxSize > 0)) throw new UsageError('--max-size must be a positive size');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of milliseconds');
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs >= 0)) throw new UsageError('--jobs must be a whole number (0 = main thread only)');

  const listed = [...(options.files ?? []), ...(options.filesFrom !== undefined ? readFileList(options.filesFrom, cwd) : [])];
  const paths = options.paths && options.paths.length > 0 ? options.paths : options.filesFrom !== undefined || options.files ? [] : ['.'];
  const discovery = discoverFiles({
    cwd,
    paths,
    listedFiles: listed,
    extensions: options.extensions ?? config.extensions ?? [...DEFAULT_EXTENSIONS],
    include: options.include ?? config.include ?? [],
    exclude: options.exclude ?? config.exclude ?? [],
  });
  let files = discovery.files;
  let preSkipped = discovery.skipped;
  if (options.changedSince !== undefined) {
    const root = findGitRoot(cwd);
    if (!root) throw new UsageError('--changed-since needs a git repository');
    const changed = changedSince(root, options.changedSince);
    files = files.filter((file) => changed.has(path.resolve(cwd, file)));
    preSkipped = preSkipped.filter((record) => changed.has(path.resolve(cwd, record.path)));
  }
  if (shard) {
    files = files.filter((file) => inShard(file, shard));
    preSkipped = preSkipped.filter((record) => inShard(record.path, shard));
  }

  // Dirty-tree guard: decided before anything is written. When no candidate file is dirty, writes
  // stream as results arrive; otherwise they wait for the end, when the changed files are known.
  let dirty: Set<string> | undefined;
  if (apply && !options.allowDirty && files.length > 0) {
    const all = new Set<string>();
    for (const root of gitRootsOf(files.map((file) => path.resolve(cwd, file)))) for (const file of dirtyFiles(root) ?? []) all.add(file);
    if (files.some((file) => all.has(path.resolve(cwd, file)))) dirty = all;
  }

  const settings: ProcessSettings = {
    cwd,
    mode,
    parser,
    ruleOptions: mergeRuleOptions(config.options, options.ruleOptions),
    runtimeImport: options.runtimeImport ?? config.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
    maxSize,
  };
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const jobs = options.jobs ?? cores;
  const inProcess =
    jobs === 0 ||
    (options.jobs === undefined && files.length <= IN_PROCESS_MAX_FILES) ||
    selected.some((r) => r.source.kind === 'object') ||
    !workerScriptAvailable();
  options.onStart?.({ files: files.length, jobs: inProcess ? 0 : Math.min(jobs, files.length), inProcess });

  const records: FileRecord[] = [...preSkipped];
  const pending: Array<{ record: FileRecord; output: string; hash: string }> = [];
  let changedCount = 0;
  let failedCount = 0;
  let done = 0;

  /** Writes a changed file; a failed write turns its record into an error. Returns whether it was written. */
  const write = (record: FileRecord, output: string, hash: string): boolean => {
    const outcome = writeIfUnchanged(path.resolve(cwd, record.path), output, hash);
    if (outcome.ok) {
      record.written = true;
      return true;
    }
    record.status = 'error';
    record.reason = outcome.reason;
    record.message = outcome.message;
    record.written = false;
    return false;
  };

  const onResult = (result: FileResult): void => {
    const record = result.record;
    records.push(record);
    done++;
    if (record.status === 'changed') changedCount++;
    if (record.status === 'error') failedCount++;
    if (apply && record.status === 'changed' && result.output !== undefined && result.originalHash !== undefined) {
      if (dirty) pending.push({ record, output: result.output, hash: result.originalHash });
      else if (!write(record, result.output, result.originalHash)) {
        changedCount--;
        failedCount++;
      }
    }
    options.onProgress?.({ done, total: files.length, changed: changedCount, failed: failedCount, elapsedMs: performance.now() - started });
  };

  if (inProcess) {
    for (const file of files) onResult(processFile(file, rules, settings));
  } else {
    await runPool(files, {
      jobs,
      timeoutMs,
      init: { settings, rules: selected.map((r) => r.source) },
      onResult,
    });
  }

  const dirtyRefused: string[] = [];
  if (pending.length > 0) {
    for (const item of pending) if (dirty?.has(path.resolve(cwd, item.record.path))) dirtyRefused.push(item.record.path);
    if (dirtyRefused.length === 0) for (const item of pending) write(item.record, item.output, item.hash);
  }

  records.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const transforms = rules.map((r) => r.meta.name);
  const summary = summarize(records, transforms, performance.now() - started);
  const result: RunResult = {
    mode,
    apply,
    check,
    cwd,
    transforms,
    rules,
    records,
    summary,
    dirtyRefused: dirtyRefused.sort(),
    jobs: inProcess ? 0 : Math.min(jobs, files.length),
    inProcess,
    exitCode: 0,
  };
  if (loaded.source !== undefined) result.configSource = loaded.source;
  result.exitCode = exitCodeFor(result);
  return result;
}
