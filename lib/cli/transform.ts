/**
 * `leakfix transform [paths..]`: runs the transforms through `run()` and formats what it returns.
 * Diffs and reports go to stdout (or --output); progress, the summary and errors go to stderr,
 * so `leakfix transform --dry > fix.patch` is a clean patch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isColorSupported } from 'picocolors';
import { UsageError } from '../runner/errors';
import { gitRootsOf } from '../runner/git';
import { processFile } from '../runner/process-file';
import { engineSetup, run, type RunOptions, type RunResult } from '../runner/run';
import { colorsFor, formatDiffs, formatJson, formatMarkdown, formatTextSummary } from '../runner/report';
import { parseSplitBy, writeSplit } from '../runner/split';
import { plural } from '../text';
import { emit, exitCodeForThrown, formatOf, makeProgress, prepareOutput, printError, sharedRunOptions, type SharedFlags } from './common';
import { runInteractive } from './interactive';
import { leakfixVersion } from './version';
import type { LeakRule } from '../rule';

export interface TransformFlags extends SharedFlags {
  dry?: boolean;
  check?: boolean;
  allowDirty?: boolean;
  runtimeImport?: string;
  /** `--no-prettier` sets it to false. */
  prettier?: boolean;
  /** Review each change (y/n/a/q/?) on a terminal. */
  interactive?: boolean;
  /** package | directory:N | codeowners. */
  splitBy?: string;
  outDir?: string;
  maxFiles?: number;
  /** Print the transformed source of one file to stdout. */
  print?: boolean;
  /** Read the source from stdin, print the transformed source. */
  stdin?: boolean;
  stdinFilename?: string;
  reportUnusedIgnores?: boolean;
  runtimeInLibraries?: boolean;
  runtimeInBrowser?: boolean;
  addDependency?: boolean;
}

export function transformRunOptions(flags: TransformFlags): RunOptions {
  const options = sharedRunOptions(flags);
  options.mode = 'transform';
  if (flags.dry) options.dry = true;
  if (flags.check) options.check = true;
  if (flags.allowDirty) options.allowDirty = true;
  if (flags.runtimeImport !== undefined) options.runtimeImport = flags.runtimeImport;
  if (flags.prettier === false) options.prettier = false;
  if (flags.reportUnusedIgnores) options.reportUnusedIgnores = true;
  // A split writes patches, never the sources.
  if (flags.splitBy !== undefined) options.dry = true;
  if (flags.runtimeInLibraries !== undefined) options.runtimeInLibraries = flags.runtimeInLibraries;
  if (flags.runtimeInBrowser !== undefined) options.runtimeInBrowser = flags.runtimeInBrowser;
  if (flags.addDependency === false) options.addDependency = false;
  return options;
}

/** Flag combinations that cannot work, as one usage error each, before anything runs. */
function checkCombinations(flags: TransformFlags): void {
  const modes = [
    flags.interactive && '--interactive',
    flags.splitBy !== undefined && '--split-by',
    flags.print && '--print',
    flags.stdin && '--stdin',
  ].filter(Boolean) as string[];
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be combined`);
  if ((flags.interactive || flags.print || flags.stdin) && (flags.dry || flags.check)) throw new UsageError(`${modes[0]} cannot be combined with --dry or --check`);
  if (flags.splitBy !== undefined && flags.outDir === undefined) throw new UsageError('--split-by needs --out-dir DIR (where the patches and PR bodies go)');
  if (flags.outDir !== undefined && flags.splitBy === undefined) throw new UsageError('--out-dir is for --split-by');
  if (flags.maxFiles !== undefined) {
    if (flags.splitBy === undefined) throw new UsageError('--max-files is for --split-by');
    if (!Number.isInteger(flags.maxFiles) || flags.maxFiles < 1) throw new UsageError(`--max-files: expected a whole number of at least 1, got "${flags.maxFiles}"`);
  }
  if (flags.stdinFilename !== undefined && !flags.stdin) throw new UsageError('--stdin-filename is for --stdin');
  if (flags.stdin && flags.stdinFilename === undefined) throw new UsageError('--stdin needs --stdin-filename <path> (it picks the parser, the config and the test-file rules)');
  if (flags.print && (flags.paths ?? []).length !== 1) throw new UsageError('--print takes exactly one file');
}

function dirtyMessage(result: RunResult): string {
  const shown = result.dirtyRefused.slice(0, 5).join(', ');
  const more = result.dirtyRefused.length > 5 ? ` and ${result.dirtyRefused.length - 5} more` : '';
  const count = result.dirtyRefused.length;
  return (
    `refusing to write: ${count} file${count === 1 ? '' : 's'} that would change ${count === 1 ? 'has' : 'have'} uncommitted changes ` +
    `(${shown}${more}). Nothing was written. Commit or stash them first, or pass --allow-dirty.`
  );
}

export function renderReport(result: RunResult, flags: TransformFlags): string {
  const format = formatOf(flags);
  if (format === 'json') return formatJson(result, leakfixVersion());
  if (format === 'markdown') return formatMarkdown(result, leakfixVersion());
  if (!result.apply) {
    if (!flags.dry) return '';
    const colored = flags.output === undefined && (flags.color ?? (process.stdout.isTTY === true && isColorSupported));
    return formatDiffs(result.records, colorsFor(colored), result.dependencies);
  }
  return flags.output !== undefined ? formatTextSummary(result, { verbose: flags.verbose }) : '';
}

/**
 * `--print FILE` / `--stdin --stdin-filename PATH`: the transformed source on stdout (the original
 * when nothing changes). The file goes through what a run does to it: --include/--exclude and the
 * config's, the size, binary and generated checks, and its context (package, role, environment),
 * so an editor piping a file through --stdin gets the rewrite a run would write, or none.
 */
async function printTransformed(flags: TransformFlags, options: RunOptions): Promise<number> {
  const { cwd, rules, settings, nameFilter } = engineSetup(options);
  let name: string;
  // Bytes, not text: what is not rewritten comes back as it came (a file that is not UTF-8 too).
  let original: Buffer;
  if (flags.stdin) {
    name = path.relative(cwd, path.resolve(cwd, flags.stdinFilename as string)).split(path.sep).join('/');
    original = fs.readFileSync(0);
  } else {
    const file = path.resolve(cwd, (flags.paths as string[])[0]);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`--print: not a file: ${(flags.paths as string[])[0]}`);
    name = path.relative(cwd, file).split(path.sep).join('/');
    original = fs.readFileSync(file);
  }
  const leftOut = nameFilter(name);
  if (leftOut !== undefined) {
    if (!flags.quiet) process.stderr.write(`leakfix: ${name}: skipped (${leftOut})\n`);
    emit(original, undefined, cwd);
    return 0;
  }
  const result = await processFile(name, rules, settings, undefined, flags.stdin ? original : undefined);
  emit(result.output ?? original, undefined, cwd);
  const { record } = result;
  if (record.status === 'error') {
    printError(`${name}: ${record.reason ?? 'error'}: ${record.message ?? ''}`);
    return 2;
  }
  if (record.status === 'skipped' && !flags.quiet) process.stderr.write(`leakfix: ${name}: skipped (${record.reason ?? ''})\n`);
  return 0;
}

function warnings(result: RunResult): string[] {
  const lines: string[] = [];
  const written = result.records.filter((r) => r.written);
  if (written.length === 0) return lines;
  const outside = written.filter((r) => gitRootsOf([path.resolve(result.cwd, r.path)]).length === 0);
  if (outside.length > 0) lines.push(`warning: wrote ${plural(outside.length, 'file')} outside a git repository: no dirty-tree guard, and no git history to review or undo the changes`);
  const readOnly = written.filter((r) => r.replacedReadOnly).map((r) => r.path);
  if (readOnly.length > 0) lines.push(`warning: replaced ${plural(readOnly.length, 'read-only file')} (${readOnly.slice(0, 5).join(', ')}${readOnly.length > 5 ? `, and ${readOnly.length - 5} more` : ''})`);
  return lines;
}

function unusedIgnoreLines(result: RunResult): string[] {
  return result.records.flatMap((record) =>
    (record.unusedIgnores ?? []).map((u) => `${record.path}:${u.line}: unused ignore comment \`${u.text}\`${u.unknown ? ` (unknown transform${u.unknown.length === 1 ? '' : 's'} ${u.unknown.join(', ')})` : ''}`),
  );
}

/** `registry`: the built-in transforms, handed down by bin/. */
export async function runTransformCommand(flags: TransformFlags, registry: readonly LeakRule[]): Promise<number> {
  try {
    formatOf(flags);
    checkCombinations(flags);
    const options = { ...transformRunOptions(flags), registry };
    if (flags.print || flags.stdin) return await printTransformed(flags, options);
    // Outputs are checked (and their folders made) before any source file is written.
    if (flags.output !== undefined) prepareOutput(flags.output, options.cwd ?? process.cwd(), '--output');
    if (flags.outDir !== undefined) prepareOutput(flags.outDir, options.cwd ?? process.cwd(), '--out-dir', true);
    if (flags.interactive) {
      const outcome = await runInteractive(options, { color: flags.color, allowDirty: flags.allowDirty });
      return outcome.exitCode;
    }
    const splitBy = flags.splitBy !== undefined ? parseSplitBy(flags.splitBy) : undefined;
    const { bar } = makeProgress(flags, 'leakfix');
    if (bar) options.onProgress = (progress) => bar.update(progress);
    let result: RunResult;
    try {
      result = await run(options);
    } finally {
      bar?.clear();
    }
    if (result.records.length === 0) {
      if (!flags.quiet) process.stderr.write(`leakfix: no files to process in ${(options.paths ?? ['.']).join(', ')} (nothing to do)\n`);
      if (formatOf(flags) !== 'text') emit(renderReport(result, flags), flags.output, result.cwd);
      return 0;
    }
    // Set before writing: if stdout's reader goes away mid-patch, the process still exits with it.
    process.exitCode = result.exitCode;
    if (splitBy) {
      const split = writeSplit(result, { by: splitBy, cwd: result.cwd, outDir: flags.outDir as string, maxFiles: flags.maxFiles, version: leakfixVersion() });
      if (!flags.quiet) process.stderr.write(`leakfix: ${plural(split.groups.length, 'group')} written to ${flags.outDir} (README.md lists them)\n`);
      if (formatOf(flags) !== 'text' || flags.output !== undefined) emit(renderReport(result, flags), flags.output, result.cwd);
    } else emit(renderReport(result, flags), flags.output, result.cwd);
    const stderrColors = colorsFor(flags.color ?? (process.stderr.isTTY === true && isColorSupported));
    if (!flags.quiet) process.stderr.write(formatTextSummary(result, { verbose: flags.verbose, colors: stderrColors }));
    else {
      for (const record of result.records.filter((r) => r.status === 'error')) {
        printError(`${record.path}: ${record.reason ?? 'error'}: ${record.message ?? ''}`);
      }
    }
    if (result.dirtyRefused.length > 0) printError(dirtyMessage(result));
    for (const line of unusedIgnoreLines(result)) printError(line);
    for (const line of warnings(result)) printError(line);
    return result.exitCode;
  } catch (error) {
    return exitCodeForThrown(error);
  }
}
