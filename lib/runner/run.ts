/**
 * `run()`: one leakfix run, start to finish, as data. Configuration, rule selection, discovery,
 * sharding, the worker pool (or the main thread for tiny runs), the dirty-tree guard and the
 * atomic writes. The CLI calls this and formats what it returns; it never parses its own output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveTypescript, TYPESCRIPT_MISSING } from '../analysis/typescript';
import { DEFAULT_RUNTIME_IMPORT, type Mode } from '../engine';
import { PARSER_NAMES, type ParserName } from '../parsers';
import { optionSpecs, type LeakRule } from '../rule';
import { listValue, loadConfig, validateConfigOptions, type LeakfixConfig } from './config';
import { DEFAULT_EXTENSIONS, discoverFiles, nameFilterFor } from './discovery';
import { UsageError } from './errors';
import { changedSince, dirtyFiles, findGitRoot, gitRootsOf } from './git';
import { runPool, workerScriptAvailable } from './pool';
import { prepareFile, preparingRules, processFile, type FileResult, type ProcessSettings } from './process-file';
import type { FileRecord } from './records';
import { registryRules, resolveRules, selectRules, type ResolvedRule } from './rules';
import { inShard, parseShard, type Shard } from './shard';
import { summarize, type Summary } from './summary';
import { writeIfUnchanged } from './write';
import { landDependencies, type DependencyChange } from './dependencies';
import { ContextResolver } from '../context';

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
  /**
   * The registry of transforms the caller hands down: the rules a run uses unless `rules` replaces
   * them. The package entry (`run` from 'leakfix') and the CLI pass the built-in one.
   */
  registry?: readonly LeakRule[];
  /** The rule set to use instead of the registry: rule objects or module paths. */
  rules?: Array<LeakRule | string>;
  /** Rules added after the registry (or after `rules`). */
  extraRules?: Array<LeakRule | string>;
  /** Per-transform option values, merged over the config's `options`. */
  ruleOptions?: Record<string, Record<string, unknown>>;
  runtimeImport?: string;
  /** Format changed files with the target repository's own Prettier (when installed, configured and the file was clean). Default true. */
  prettier?: boolean;
  /** Transform test and fixture files too (`--include-tests`). */
  includeTests?: boolean;
  /** Allow fixes that add the runtime in published library packages. */
  runtimeInLibraries?: boolean;
  /** Allow fixes that add the runtime in browser code. */
  runtimeInBrowser?: boolean;
  /** Add the runtime to the nearest package.json when written files need it (default true; `--no-add-dependency`). */
  addDependency?: boolean;
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
  /**
   * `--option <transform>.<key>=<value>` strings: converted by the option's declared type and
   * merged over `ruleOptions` and the config.
   */
  optionStrings?: string[];
  /** Report `leakfix-ignore` comments that suppress nothing; with `check`, they make the exit code 1. */
  reportUnusedIgnores?: boolean;
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
  /** The module the inserted runtime calls import from. */
  runtimeImport: string;
  rules: LeakRule[];
  /** Sorted by path. */
  records: FileRecord[];
  summary: Summary;
  /** Files with uncommitted changes that would have been written: nothing was written. */
  dirtyRefused: string[];
  /** Each package.json that needs the runtime because files now import it: added, in the patch, or to add by hand. */
  dependencies: DependencyChange[];
  /** What discovery did that a user may not expect (`--verbose` prints these). */
  notes: string[];
  configSource?: string;
  /** `i/n` when the run was one shard. */
  shard?: string;
  jobs: number;
  inProcess: boolean;
  exitCode: number;
  /** One line per distinct notice a rule gave while preparing files (typed mode without a tsconfig), with how many files gave it. */
  notices: Array<{ transform: string; message: string; files: number }>;
  /** Per-run state rules built outside the per-file time (a TypeScript Program per tsconfig), for --verbose. */
  prepared: Array<{ transform: string; label: string; ms: number }>;
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

/**
 * 3: usage (nothing written because of the dirty tree); 1: --check found changes (or unused
 * ignores); 2: failed files; 0: done. The gate's answer comes before failed files, as in
 * `audit --fail-on`: both are non-zero, and 1 tells CI the tree is not clean.
 */
export function exitCodeFor(result: Pick<RunResult, 'dirtyRefused' | 'summary' | 'check'>): number {
  if (result.dirtyRefused.length > 0) return 3;
  if (result.check && (result.summary.changed > 0 || result.summary.unusedIgnores > 0)) return 1;
  if (result.summary.failed > 0) return 2;
  return 0;
}

/** `track-async.typed=true` → ['track-async', 'typed', true], typed by the option's spec. */
export function parseOptionString(text: string, rules: readonly LeakRule[]): [string, string, unknown] {
  const match = /^([^.=\s]+)\.([^=\s]+)=(.*)$/s.exec(text);
  if (!match) throw new UsageError(`--option: expected <transform>.<key>=<value>, got "${text}"`);
  const [, name, key, raw] = match;
  const rule = rules.find((r) => r.meta.name === name);
  if (!rule) throw new UsageError(`--option ${text}: unknown transform "${name}" (valid: ${rules.map((r) => r.meta.name).join(', ')})`);
  const spec = optionSpecs(rule.meta)[key];
  if (!spec) throw new UsageError(`--option ${text}: unknown option of ${name} (valid: ${Object.keys(optionSpecs(rule.meta)).join(', ') || 'none'})`);
  switch (spec.type) {
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new UsageError(`--option ${text}: expected true or false`);
      return [name, key, raw === 'true'];
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--option ${text}: expected a number`);
      return [name, key, value];
    }
    case 'string[]':
      return [name, key, listValue(raw)];
    default:
      return [name, key, raw];
  }
}

/** Everything a run decided before touching a file: config, rules, limits, engine settings. */
interface RunPlan {
  cwd: string;
  mode: Mode;
  apply: boolean;
  check: boolean;
  configSource?: string;
  config: LeakfixConfig;
  selected: ResolvedRule[];
  settings: ProcessSettings;
  shard?: Shard;
  timeoutMs: number;
}

function positive(value: number, message: string): number {
  if (!(value > 0)) throw new UsageError(message);
  return value;
}

function planRun(options: RunOptions): RunPlan {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  if (!fs.existsSync(cwd)) throw new UsageError(`directory not found: ${cwd}`);
  const loaded = options.config === false ? { config: {} as LeakfixConfig, source: undefined } : loadConfig(cwd, options.config);
  const config = loaded.config;
  const mode: Mode = options.mode ?? 'transform';
  const check = options.check === true && mode === 'transform';

  const allRules = [...(options.rules ? resolveRules(options.rules, cwd) : registryRules(options.registry, cwd)), ...resolveRules(options.extraRules ?? [], cwd)];
  const ruleObjects = allRules.map((r) => r.rule);
  if (config.options) validateConfigOptions(config.options, ruleObjects, loaded.source ?? 'config');
  if (options.ruleOptions) validateConfigOptions(options.ruleOptions, ruleObjects, 'ruleOptions');
  const fromStrings: Record<string, Record<string, unknown>> = {};
  for (const text of options.optionStrings ?? []) {
    const [name, key, value] = parseOptionString(text, ruleObjects);
    (fromStrings[name] ??= {})[key] = value;
  }
  const configLabel = (key: string): string => `${loaded.source ?? 'config'} "${key}"`;
  const selected = selectRules(allRules, options.transforms ?? config.transforms, options.skip ?? config.skip, {
    only: options.transforms ? '--transform' : configLabel('transforms'),
    skip: options.skip ? '--skip' : configLabel('skip'),
  });

  const parser = options.parser ?? config.parser;
  if (parser !== undefined && !PARSER_NAMES.includes(parser)) throw new UsageError(`unknown parser "${String(parser)}" (valid: ${PARSER_NAMES.join(', ')})`);
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  if (shard) parseShard(`${shard.index}/${shard.count}`);
  if (options.jobs !== undefined && !(Number.isInteger(options.jobs) && options.jobs >= 0)) throw new UsageError('--jobs must be a whole number (0 = main thread only)');

  const plan: RunPlan = {
    cwd,
    mode,
    apply: mode === 'transform' && !options.dry && !check,
    check,
    config,
    selected,
    settings: {
      cwd,
      mode,
      parser,
      ruleOptions: mergeRuleOptions(config.options, options.ruleOptions, fromStrings),
      knownTransforms: ruleObjects.map((r) => r.meta.name),
      reportUnusedIgnores: options.reportUnusedIgnores === true,
      runtimeImport: options.runtimeImport ?? config.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
      maxSize: positive(options.maxSize ?? config.maxSize ?? DEFAULT_MAX_SIZE, '--max-size must be a positive size'),
      prettier: options.prettier ?? config.prettier ?? true,
      includeTests: options.includeTests ?? config.includeTests ?? false,
      runtimeInLibraries: options.runtimeInLibraries ?? config.runtimeInLibraries ?? false,
      runtimeInBrowser: options.runtimeInBrowser ?? config.runtimeInBrowser ?? false,
    },
    timeoutMs: positive(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, '--timeout must be a positive number of milliseconds'),
  };
  if (shard) plan.shard = shard;
  if (loaded.source !== undefined) plan.configSource = loaded.source;
  // typescript is an optional peer dependency: a typed run without it stops here, in one line.
  const typed = selected.some((r) => r.rule.meta.name === 'track-async') && plan.settings.ruleOptions?.['track-async']?.typed === true;
  if (typed && resolveTypescript(cwd) === undefined) throw new UsageError(TYPESCRIPT_MISSING);
  return plan;
}

/**
 * The rules and per-file settings a run with these options would use, for callers that drive the
 * engine file by file (interactive review, `--stdin`).
 */
export function engineSetup(options: RunOptions): { cwd: string; rules: LeakRule[]; settings: ProcessSettings; nameFilter: (relative: string) => string | undefined } {
  const plan = planRun(options);
  return { cwd: plan.cwd, rules: plan.selected.map((r) => r.rule), settings: plan.settings, nameFilter: nameFilterFor(nameFilters(options, plan.config)) };
}

/** The extensions and --include/--exclude globs of a run: the flags, else the config, else the defaults. */
function nameFilters(options: RunOptions, config: LeakfixConfig): { extensions: string[]; include: string[]; exclude: string[] } {
  return {
    extensions: options.extensions ?? config.extensions ?? [...DEFAULT_EXTENSIONS],
    include: options.include ?? config.include ?? [],
    exclude: options.exclude ?? config.exclude ?? [],
  };
}

/** Discovery, then --changed-since, then --shard: the files to process and the ones skipped by name. */
function selectFiles(plan: RunPlan, options: RunOptions): { files: string[]; skipped: FileRecord[]; notes: string[] } {
  const { cwd, config } = plan;
  const listed = [...(options.files ?? []), ...(options.filesFrom !== undefined ? readFileList(options.filesFrom, cwd) : [])];
  const paths = options.paths && options.paths.length > 0 ? options.paths : options.filesFrom !== undefined || options.files ? [] : ['.'];
  const discovery = discoverFiles({ cwd, paths, listedFiles: listed, ...nameFilters(options, config) });
  let keep = (_file: string): boolean => true;
  if (options.changedSince !== undefined) {
    const root = findGitRoot(cwd);
    if (!root) throw new UsageError('--changed-since needs a git repository');
    const changed = changedSince(root, options.changedSince);
    keep = (file) => changed.has(path.resolve(cwd, file));
  }
  const shard = plan.shard;
  const selected = (file: string): boolean => keep(file) && (!shard || inShard(file, shard));
  return { files: discovery.files.filter(selected), skipped: discovery.skipped.filter((record) => selected(record.path)), notes: discovery.notes };
}

/**
 * Files with uncommitted changes, when any file to process is one of them (else undefined).
 * Decided before anything is written: without dirty candidates, writes stream as results arrive;
 * with them, writes wait for the end, when the files that would change are known.
 */
function dirtyCandidates(plan: RunPlan, files: readonly string[], allowDirty: boolean): Set<string> | undefined {
  if (!plan.apply || allowDirty || files.length === 0) return undefined;
  const absolute = files.map((file) => path.resolve(plan.cwd, file));
  const dirty = new Set<string>();
  for (const root of gitRootsOf(absolute)) for (const file of dirtyFiles(root) ?? []) dirty.add(file);
  return absolute.some((file) => dirty.has(file)) ? dirty : undefined;
}

/** Applies changed files as results arrive, or holds them back while the dirty-tree guard decides. */
class Writer {
  private readonly held: Array<{ record: FileRecord; output: string; hash: string }> = [];

  constructor(
    private readonly cwd: string,
    private readonly dirty: Set<string> | undefined,
  ) {}

  /** False when the write failed (the record is now an error). */
  offer(record: FileRecord, output: string, hash: string): boolean {
    if (this.dirty) {
      this.held.push({ record, output, hash });
      return true;
    }
    return this.write(record, output, hash);
  }

  /** Writes what was held back unless a file to write is dirty; returns those dirty files. */
  finish(): string[] {
    const refused = this.held.filter((item) => this.dirty?.has(path.resolve(this.cwd, item.record.path))).map((item) => item.record.path);
    if (refused.length === 0) for (const item of this.held) this.write(item.record, item.output, item.hash);
    return refused.sort();
  }

  private write(record: FileRecord, output: string, hash: string): boolean {
    const outcome = writeIfUnchanged(path.resolve(this.cwd, record.path), output, hash);
    record.written = outcome.ok;
    if (outcome.ok) {
      if (outcome.readOnly) record.replacedReadOnly = true;
      return true;
    }
    record.status = 'error';
    record.reason = outcome.reason;
    record.message = outcome.message;
    return false;
  }
}

function byPath(a: FileRecord, b: FileRecord): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export async function run(options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const plan = planRun(options);
  const { files, skipped, notes } = selectFiles(plan, options);
  const writer = new Writer(plan.cwd, dirtyCandidates(plan, files, options.allowDirty === true));

  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const rules = plan.selected.map((r) => r.rule);
  const preparing = preparingRules(rules, plan.settings);
  // A rule with per-run state (one TypeScript Program per tsconfig) gets one thread, so the run
  // builds that state once instead of once per worker (and holds it in memory once).
  const jobs = preparing.length > 0 ? Math.min(options.jobs ?? 1, 1) : (options.jobs ?? cores);
  const inProcess =
    jobs === 0 ||
    (options.jobs === undefined && files.length <= IN_PROCESS_MAX_FILES) ||
    plan.selected.some((r) => r.source.kind === 'object') ||
    !workerScriptAvailable();
  const workers = inProcess ? 0 : Math.min(jobs, files.length);
  options.onStart?.({ files: files.length, jobs: workers, inProcess });

  const records: FileRecord[] = [...skipped];
  const notices = new Map<string, { transform: string; message: string; files: number }>();
  const prepared: RunResult['prepared'] = [];
  const progress: RunProgress = { done: 0, total: files.length, changed: 0, failed: 0, elapsedMs: 0 };
  const onResult = (result: FileResult): void => {
    const record = result.record;
    records.push(record);
    for (const step of result.prepared ?? []) {
      if (step.built) prepared.push({ transform: step.transform, label: step.built.label, ms: step.built.ms });
      if (step.notice === undefined) continue;
      const key = `${step.transform}\0${step.notice}`;
      const known = notices.get(key) ?? { transform: step.transform, message: step.notice, files: 0 };
      known.files++;
      notices.set(key, known);
    }
    const written = !plan.apply || result.output === undefined || result.originalHash === undefined || writer.offer(record, result.output, result.originalHash);
    progress.done++;
    if (record.status === 'changed') progress.changed++;
    if (record.status === 'error' || !written) progress.failed++;
    progress.elapsedMs = performance.now() - started;
    options.onProgress?.({ ...progress });
  };

  if (inProcess) {
    const resolver = new ContextResolver();
    for (const file of files) {
      const ready = prepareFile(file, preparing, plan.settings);
      const result = await processFile(file, rules, plan.settings, resolver);
      if (ready) result.prepared = ready;
      onResult(result);
    }
  } else {
    await runPool(files, { jobs, timeoutMs: plan.timeoutMs, init: { settings: plan.settings, rules: plan.selected.map((r) => r.source) }, onResult });
  }
  const dirtyRefused = writer.finish();
  const dependencies =
    plan.mode === 'transform' && dirtyRefused.length === 0
      ? landDependencies(records, {
          cwd: plan.cwd,
          specifier: plan.settings.runtimeImport,
          apply: plan.apply,
          addDependency: options.addDependency ?? plan.config.addDependency ?? true,
          allowDirty: options.allowDirty === true,
        })
      : [];

  records.sort(byPath);
  const transforms = rules.map((r) => r.meta.name);
  const result: RunResult = {
    mode: plan.mode,
    apply: plan.apply,
    check: plan.check,
    cwd: plan.cwd,
    transforms,
    runtimeImport: plan.settings.runtimeImport,
    rules,
    records,
    summary: summarize(records, transforms, performance.now() - started),
    dirtyRefused,
    dependencies,
    notes,
    jobs: workers,
    inProcess,
    exitCode: 0,
    notices: [...notices.values()],
    prepared,
  };
  if (plan.configSource !== undefined) result.configSource = plan.configSource;
  if (plan.shard) result.shard = `${plan.shard.index}/${plan.shard.count}`;
  result.exitCode = exitCodeFor(result);
  return result;
}
