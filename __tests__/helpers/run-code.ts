/**
 * Runs code (usually a transform's output) in a child Node process, so behaviour tests check what
 * matters at run time: exit code, logged errors, active handles. TS/TSX/JSX is transpiled with the
 * TypeScript compiler to CommonJS first. Files are written under `.cache/run-code/` inside the
 * repository so `@leakfix/runtime` resolves to the workspace package.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './paths';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

let counter = 0;

/** Transpiles TS/JSX to CommonJS JavaScript (types are erased, not checked). */
export function toCommonJs(source: string, fileName: string): string {
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      jsx: ts.JsxEmit.React,
      esModuleInterop: true,
    },
  }).outputText;
}

/** Writes `files` (name → source) to a fresh folder and returns it. */
export function writeModules(files: Record<string, string>): string {
  const dir = path.join(REPO_ROOT, '.cache', 'run-code', `${process.pid}-${Date.now()}-${counter++}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, source] of Object.entries(files)) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const ext = path.extname(name);
    const js = ['.ts', '.tsx', '.jsx', '.mts', '.cts'].includes(ext) ? toCommonJs(source, name) : source;
    fs.writeFileSync(ext === '.js' || ext === '.cjs' || ext === '.mjs' ? target : target.replace(/\.[^.]+$/, '.js'), js);
  }
  return dir;
}

/**
 * Runs `entry` (a file written by writeModules, by its original name) with Node's default flags.
 * The child is killed after `timeoutMs`; `timedOut` says so (a hanging consumer, a leaked handle).
 */
export function runNode(dir: string, entry: string, options: { timeoutMs?: number; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const file = path.join(dir, entry.replace(/\.(ts|tsx|jsx|mts|cts)$/, '.js'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.args ?? []), file], {
      cwd: dir,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 10_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Resource types `process.getActiveResourcesInfo()` reports in the child, printed as JSON by `ACTIVE_RESOURCES_SNIPPET`. */
export const ACTIVE_RESOURCES_SNIPPET =
  "console.log('ACTIVE:' + JSON.stringify(process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap')));";

export function activeResources(stdout: string): string[] {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('ACTIVE:'));
  return line ? (JSON.parse(line.slice('ACTIVE:'.length)) as string[]) : [];
}
