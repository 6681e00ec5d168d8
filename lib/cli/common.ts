/**
 * What `transform` and `audit` share on the command line: the discovery / selection flags, their
 * translation into RunOptions, output plumbing and the one-line error convention.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PARSER_NAMES, type ParserName } from '../parsers';
import { listValue, parseSize } from '../runner/config';
import { UsageError, isUsageError } from '../runner/errors';
import { ProgressBar, progressWanted } from '../runner/progress';
import type { RunOptions } from '../runner/run';

/** Flags as parsed by yargs (every one optional: unset flags leave the config's value alone). */
export interface SharedFlags {
  paths?: string[];
  transform?: string | string[];
  skip?: string | string[];
  extensions?: string | string[];
  include?: string | string[];
  exclude?: string | string[];
  changedSince?: string;
  filesFrom?: string;
  maxSize?: string;
  parser?: string;
  jobs?: number;
  timeout?: number;
  shard?: string;
  config?: string;
  noConfig?: boolean;
  format?: string;
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  cwd?: string;
  typed?: boolean;
  /** `--option <transform>.<key>=<value>` (repeatable). */
  option?: string | string[];
  includeTests?: boolean;
}

/**
 * Not documented on purpose: a list of rule modules (path.delimiter-separated) that replaces the
 * built-in registry. The CLI tests use it to run test-only transforms.
 */
export const RULE_MODULES_ENV = 'LEAKFIX_RULE_MODULES';

function many(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

export function sharedRunOptions(flags: SharedFlags, env: NodeJS.ProcessEnv = process.env): RunOptions {
  const options: RunOptions = {};
  if (flags.cwd !== undefined) options.cwd = flags.cwd;
  if (flags.paths && flags.paths.length > 0) options.paths = flags.paths.map(String);
  const transforms = many(flags.transform);
  if (transforms) options.transforms = listValue(transforms);
  const skip = many(flags.skip);
  if (skip) options.skip = listValue(skip);
  const extensions = many(flags.extensions);
  if (extensions) options.extensions = listValue(extensions).map((e) => e.replace(/^\./, ''));
  // Globs may contain commas (`{a,b}`): repeat the flag instead of splitting.
  const include = many(flags.include);
  if (include) options.include = include;
  const exclude = many(flags.exclude);
  if (exclude) options.exclude = exclude;
  if (flags.changedSince !== undefined) options.changedSince = flags.changedSince;
  if (flags.filesFrom !== undefined) options.filesFrom = flags.filesFrom;
  if (flags.maxSize !== undefined) {
    const size = parseSize(String(flags.maxSize));
    if (size === undefined) throw new UsageError(`--max-size: expected a size such as 1mb, 500kb or 2048, got "${flags.maxSize}"`);
    options.maxSize = size;
  }
  if (flags.parser !== undefined) {
    if (!PARSER_NAMES.includes(flags.parser as ParserName)) throw new UsageError(`--parser: unknown parser "${flags.parser}" (valid: ${PARSER_NAMES.join(', ')})`);
    options.parser = flags.parser as ParserName;
  }
  if (flags.jobs !== undefined) {
    if (!Number.isInteger(flags.jobs) || flags.jobs < 0) throw new UsageError(`--jobs: expected a whole number, got "${flags.jobs}"`);
    options.jobs = flags.jobs;
  }
  if (flags.timeout !== undefined) {
    if (!Number.isFinite(flags.timeout) || flags.timeout <= 0) throw new UsageError(`--timeout: expected milliseconds, got "${flags.timeout}"`);
    options.timeoutMs = flags.timeout;
  }
  if (flags.shard !== undefined) options.shard = String(flags.shard);
  const optionStrings = many(flags.option);
  if (optionStrings) options.optionStrings = optionStrings;
  // The only rule option with its own flag: typed mode changes what counts as a floating promise.
  if (flags.typed) options.ruleOptions = { 'track-async': { typed: true } };
  if (flags.includeTests !== undefined) options.includeTests = flags.includeTests;
  if (flags.noConfig) options.config = false;
  else if (flags.config !== undefined) options.config = flags.config;
  const ruleModules = env[RULE_MODULES_ENV];
  if (ruleModules) options.rules = ruleModules.split(path.delimiter).filter(Boolean);
  return options;
}

let stdoutGuarded = false;

/**
 * Checks an output path before the run writes anything: makes its folder (or, with `isDir`, the
 * folder itself) and refuses a path that cannot be written.
 */
export function prepareOutput(output: string, cwd: string, flag: string, isDir = false): void {
  const full = path.resolve(cwd, output);
  const dir = isDir ? full : path.dirname(full);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag} ${output}: cannot create or write the folder: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isDir && fs.existsSync(full) && fs.statSync(full).isDirectory()) throw new UsageError(`${flag} ${output}: is a directory`);
  if (isDir && !fs.statSync(full).isDirectory()) throw new UsageError(`${flag} ${output}: not a directory`);
}

/** `leakfix transform --dry | head` closes the pipe early: that ends the output, it is not a crash. */
export function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

/** Writes a report to --output (a file) or stdout. */
export function emit(text: string | Buffer, output: string | undefined, cwd: string): void {
  if (text.length === 0) return;
  if (output === undefined) {
    guardStdout();
    process.stdout.write(text);
    return;
  }
  try {
    fs.writeFileSync(path.resolve(cwd, output), text);
  } catch (error) {
    throw new UsageError(`cannot write --output ${output}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export function printError(message: string): void {
  process.stderr.write(`leakfix: ${message}\n`);
}

/** Usage errors: one line, exit 3. Anything else is leakfix's own failure: one line, exit 2. */
export function exitCodeForThrown(error: unknown): number {
  if (isUsageError(error)) {
    printError(error.message);
    return 3;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  printError(`internal error: ${message}`);
  if (process.env.LEAKFIX_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return 2;
}

export function makeProgress(flags: SharedFlags, label: string): { bar?: ProgressBar } {
  if (flags.quiet || !progressWanted(process.stderr)) return {};
  return { bar: new ProgressBar(process.stderr, label) };
}

export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function formatOf(flags: SharedFlags): Format {
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
  return format as Format;
}
