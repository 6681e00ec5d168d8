/**
 * The `leakfix audit` command: runs the shared runner in audit mode (same discovery, parsers,
 * ignore comments, workers, progress and sharding as `transform`), grades the records, applies the
 * baseline and `--fail-on`, writes the report and returns the exit code:
 *
 *   0  done (no `--fail-on`, or no new finding at or above it)
 *   1  `--fail-on` found new (not baselined, not ignored) findings at or above its grade
 *   2  no gate failure, but some files could not be audited (parse or internal errors)
 *   3  usage or configuration error (bad flag, unreadable or invalid baseline, ...)
 *
 * The only module under lib/audit that does I/O; lib/cli/audit.ts delegates here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type RunOptions, type RunResult } from '../runner/run';
import { UsageError } from '../runner/errors';
import {
  BaselineError,
  parseBaseline,
  serializeBaseline,
  updateBaseline,
  auditExitCode,
  evaluateGate,
  type Baseline,
  type FailOn,
} from './baseline';
import { auditRecords, formatAudit, isAuditFormat, AUDIT_FORMATS, type AuditFormat, type AuditResult } from './index';
import type { ToolInfo } from './format/shared';
import { plural } from '../text';

export interface AuditCommandOptions extends Omit<RunOptions, 'mode' | 'dry' | 'check' | 'allowDirty'> {
  /** terminal (default), json, markdown, sarif, github. */
  format?: string;
  /** Write the report to this file instead of stdout. */
  output?: string;
  /** `red` or `yellow`: exit 1 when new findings at or above this grade exist. */
  failOn?: string;
  /** Baseline file: accepted findings that never fail the gate. */
  baseline?: string;
  /** Write the current open findings to `baseline` (merged with entries outside this run's scope). */
  updateBaseline?: boolean;
  /** Colours in terminal output; default: stdout is a TTY and there is no --output. */
  color?: boolean;
  stdout?: { write(text: string): unknown; isTTY?: boolean };
  stderr?: { write(text: string): unknown };
  /** Called once the run is done, before anything is printed (the CLI erases its progress bar). */
  beforeOutput?(): void;
}

export interface AuditCommandResult {
  exitCode: number;
  audit: AuditResult;
  run: RunResult;
  format: AuditFormat;
  /** The formatted report (also written to stdout or `output`). */
  text: string;
  /** Set when `--update-baseline` wrote the file. */
  baselineWritten?: { path: string; entries: number };
}

const FAIL_ON: readonly FailOn[] = ['red', 'yellow'];

function findPackageJson(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
        if (pkg.name === 'leakfix') return candidate;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function toolInfo(): ToolInfo {
  const pkgPath = findPackageJson(__dirname);
  const pkg = pkgPath ? (JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { version?: string; homepage?: string }) : {};
  const info: ToolInfo = { name: 'leakfix', version: pkg.version ?? '0.0.0' };
  if (pkg.homepage) info.informationUri = pkg.homepage;
  return info;
}

function checkOptions(options: AuditCommandOptions): { format: AuditFormat; failOn: FailOn | undefined } {
  const format = options.format ?? 'terminal';
  if (!isAuditFormat(format)) throw new UsageError(`unknown --format "${format}" for audit (valid: ${AUDIT_FORMATS.join(', ')})`);
  const failOn = options.failOn;
  if (failOn !== undefined && !(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`unknown --fail-on "${failOn}" (valid: ${FAIL_ON.join(', ')})`);
  if (options.updateBaseline && !options.baseline) throw new UsageError('--update-baseline needs --baseline FILE (where to write it)');
  return { format, failOn: failOn as FailOn | undefined };
}

/** Reads the baseline; a missing file is a usage error unless we are about to write it. */
function readBaseline(file: string, cwd: string, mayBeMissing: boolean): Baseline | undefined {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (mayBeMissing) return undefined;
      throw new UsageError(`baseline not found: ${file} (create it with --baseline ${file} --update-baseline)`);
    }
    throw new UsageError(`cannot read baseline ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    return parseBaseline(text, file);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
}

function writeText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

export interface AuditRunOptions extends Omit<RunOptions, 'mode' | 'dry' | 'check' | 'allowDirty'> {
  failOn?: FailOn;
  /** A parsed baseline, or the path of a baseline file (relative to `cwd`). */
  baseline?: Baseline | string;
}

/**
 * The programmatic audit (`import { audit } from 'leakfix'`): runs the runner in audit mode and
 * grades the records; prints and writes nothing.
 */
export async function audit(options: AuditRunOptions = {}): Promise<AuditResult & { run: RunResult }> {
  const { failOn, baseline, ...runOptions } = options;
  if (failOn !== undefined && !FAIL_ON.includes(failOn)) throw new UsageError(`unknown failOn "${String(failOn)}" (valid: ${FAIL_ON.join(', ')})`);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const accepted = typeof baseline === 'string' ? readBaseline(baseline, cwd, false) : baseline;
  const runResult = await run({ ...runOptions, cwd, mode: 'audit' });
  const graded = auditRecords(runResult.records, { rules: runResult.rules, tool: toolInfo(), failOn, baseline: accepted, transforms: runResult.transforms });
  return { ...graded, run: runResult };
}

export async function auditCommand(options: AuditCommandOptions): Promise<AuditCommandResult> {
  const { format, failOn } = checkOptions(options);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const previous = options.baseline ? readBaseline(options.baseline, cwd, options.updateBaseline === true) : undefined;

  // The command's own keys stay out of the run's options.
  const { format: _f, output: _o, failOn: _x, baseline: _b, updateBaseline: _u, color: _c, stdout: _so, stderr: _se, beforeOutput, ...runOptions } = options;
  let graded = await audit({ ...runOptions, cwd, failOn, baseline: previous });
  beforeOutput?.();
  const runResult = graded.run;
  const transforms = runResult.transforms;

  let baselineWritten: AuditCommandResult['baselineWritten'];
  if (options.updateBaseline && options.baseline) {
    const file = path.resolve(cwd, options.baseline);
    const next = updateBaseline(previous, graded.report, { files: graded.report.files, transforms }, (entry) => fs.existsSync(path.resolve(cwd, entry.path)));
    writeText(file, serializeBaseline(next));
    baselineWritten = { path: options.baseline, entries: next.findings.length };
    // Everything open is accepted now: grade the run against what was just written.
    const gate = evaluateGate(graded.report, { failOn, baseline: next, transforms });
    graded = { ...graded, gate, exitCode: auditExitCode(graded.report, gate) };
  }

  const toFile = options.output !== undefined;
  const color = options.color ?? (!toFile && stdout.isTTY === true && !('NO_COLOR' in process.env));
  const text = formatAudit(graded, format, { color });
  if (toFile) writeText(path.resolve(cwd, options.output as string), text);
  // --update-baseline accepts the findings; it prints the report only when asked for (--output or a --format).
  else if (!baselineWritten || options.format !== 'terminal') stdout.write(text);

  if (baselineWritten) stderr.write(`Baseline written: ${plural(baselineWritten.entries, 'accepted finding')} in ${baselineWritten.path}\n`);
  if (toFile) stderr.write(`Audit report (${format}) written to ${options.output}\n`);
  const { run: _run, ...auditResult } = graded;
  const result: AuditCommandResult = { exitCode: graded.exitCode, audit: auditResult, run: runResult, format, text };
  if (baselineWritten) result.baselineWritten = baselineWritten;
  return result;
}
