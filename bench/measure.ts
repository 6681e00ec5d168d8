/**
 * Measures one command as a child process: wall time, CPU time and peak RSS of its whole process
 * tree. Every benchmark run, in-process floors included, goes through here so all rows are
 * measured the same way.
 *
 * - Wall time: `process.hrtime` from spawn to exit.
 * - CPU time: the growth of this process's `cutime + cstime` (/proc/self/stat), which the kernel
 *   adds when a child is reaped and which already includes every descendant the child reaped
 *   (jscodeshift's forked workers, leakfix's worker threads are threads of the child itself).
 *   Exact to the clock tick (10 ms), immune to sampling gaps.
 * - Peak RSS: the largest sum of resident set sizes over the child's whole process tree
 *   (/proc/<pid>/task/<tid>/children, /proc/<pid>/statm), sampled every 20 ms. A sum over the tree
 *   is what the machine must provide; a spike shorter than the interval can be missed.
 * Linux only (it reads /proc).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;
const SAMPLE_MS = 20;

export interface Measurement {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandSpec {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin. */
  input?: string;
}

/** CPU time (ms) of this process's reaped children and their reaped descendants. */
function childrenCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
  const ticks = Number(fields[13]) + Number(fields[14]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function descendants(pid: number, into: number[]): void {
  into.push(pid);
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tasks) {
    for (const child of readOr(`/proc/${pid}/task/${tid}/children`).split(' ')) {
      if (child.trim()) descendants(Number(child), into);
    }
  }
}

/** Resident bytes of a process tree right now. */
export function treeRssBytes(rootPid: number): number {
  const pids: number[] = [];
  descendants(rootPid, pids);
  let pages = 0;
  for (const pid of pids) {
    const statm = readOr(`/proc/${pid}/statm`);
    if (statm) pages += Number(statm.split(' ')[1]);
  }
  return pages * PAGE_BYTES;
}

export function measure(spec: CommandSpec): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let peak = 0;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const sample = (): void => {
      if (child.pid !== undefined) peak = Math.max(peak, treeRssBytes(child.pid));
    };
    const sampler = setInterval(sample, SAMPLE_MS);
    child.stdin.on('error', () => undefined);
    child.stdin.end(spec.input ?? '');
    child.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        wallMs,
        cpuMs: childrenCpuMs() - cpuBefore,
        peakRssBytes: peak,
        exitCode: code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
