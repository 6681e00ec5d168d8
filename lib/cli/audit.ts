/**
 * `leakfix audit [paths..]`: the graded inventory of every lifecycle site, without changing
 * anything. Command-line flags in, lib/audit/command.ts does the work (it shares discovery,
 * parsers, ignore comments, workers, progress and sharding with `transform` through
 * `run({ mode: 'audit' })`). Exit codes: docs/audit.md.
 */
import { isColorSupported } from 'picocolors';
import { auditCommand } from '../audit/command';
import { exitCodeForThrown, guardStdout, makeProgress, prepareOutput, sharedRunOptions, type SharedFlags } from './common';
import type { LeakRule } from '../rule';

export interface AuditFlags extends SharedFlags {
  /** `red` or `yellow`. */
  failOn?: string;
  /** Baseline file of accepted findings. */
  baseline?: string;
  /** Write the baseline from this run instead of checking against it. */
  updateBaseline?: boolean;
}

/** `text` (the shared flag's default name) is the terminal report. */
function auditFormat(format: string | undefined): string {
  return format === undefined || format === 'text' ? 'terminal' : format;
}

/**
 * Runs the audit with the transforms bin/ hands down (`registry`) and returns the process exit code: 0 done, 1 `--fail-on` found new findings,
 * 2 some files could not be audited, 3 usage or configuration error.
 */
export async function runAuditCommand(flags: AuditFlags, registry: readonly LeakRule[]): Promise<number> {
  try {
    const options = { ...sharedRunOptions(flags), registry };
    const { bar } = makeProgress(flags, 'leakfix audit');
    const toStdout = flags.output === undefined;
    if (toStdout) guardStdout();
    else prepareOutput(flags.output as string, options.cwd ?? process.cwd(), '--output');
    const result = await auditCommand({
      ...options,
      format: auditFormat(flags.format),
      output: flags.output,
      failOn: flags.failOn,
      baseline: flags.baseline,
      updateBaseline: flags.updateBaseline === true,
      color: flags.color ?? (toStdout && process.stdout.isTTY === true && isColorSupported),
      stderr: flags.quiet ? { write: () => true } : process.stderr,
      onProgress: bar ? (progress) => bar.update(progress) : undefined,
      beforeOutput: () => bar?.clear(),
    }).finally(() => bar?.clear());
    return result.exitCode;
  } catch (error) {
    return exitCodeForThrown(error);
  }
}
