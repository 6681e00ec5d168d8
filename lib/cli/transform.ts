/**
 * `leakfix transform [paths..]`: runs the transforms through `run()` and formats what it returns.
 * Diffs and reports go to stdout (or --output); progress, the summary and errors go to stderr,
 * so `leakfix transform --dry > fix.patch` is a clean patch.
 */
import { isColorSupported } from 'picocolors';
import { run, type RunOptions, type RunResult } from '../runner/run';
import { colorsFor, formatDiffs, formatJson, formatMarkdown, formatTextSummary } from '../runner/report';
import { emit, exitCodeForThrown, formatOf, makeProgress, printError, sharedRunOptions, type SharedFlags } from './common';
import { leakfixVersion } from './version';

export interface TransformFlags extends SharedFlags {
  dry?: boolean;
  check?: boolean;
  allowDirty?: boolean;
  runtimeImport?: string;
  runtimeInLibraries?: boolean;
  addDependency?: boolean;
}

export function transformRunOptions(flags: TransformFlags): RunOptions {
  const options = sharedRunOptions(flags);
  options.mode = 'transform';
  if (flags.dry) options.dry = true;
  if (flags.check) options.check = true;
  if (flags.allowDirty) options.allowDirty = true;
  if (flags.runtimeImport !== undefined) options.runtimeImport = flags.runtimeImport;
  if (flags.runtimeInLibraries !== undefined) options.runtimeInLibraries = flags.runtimeInLibraries;
  if (flags.addDependency === false) options.addDependency = false;
  return options;
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

export async function runTransformCommand(flags: TransformFlags): Promise<number> {
  try {
    formatOf(flags);
    const options = transformRunOptions(flags);
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
    emit(renderReport(result, flags), flags.output, result.cwd);
    const stderrColors = colorsFor(flags.color ?? (process.stderr.isTTY === true && isColorSupported));
    if (!flags.quiet) process.stderr.write(formatTextSummary(result, { verbose: flags.verbose, colors: stderrColors }));
    else {
      for (const record of result.records.filter((r) => r.status === 'error')) {
        printError(`${record.path}: ${record.reason ?? 'error'}: ${record.message ?? ''}`);
      }
    }
    if (result.dirtyRefused.length > 0) printError(dirtyMessage(result));
    return result.exitCode;
  } catch (error) {
    return exitCodeForThrown(error);
  }
}
