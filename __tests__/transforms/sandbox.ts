/**
 * Support for the runner and CLI tests: throw-away project directories (with or without git),
 * and a way to run the real CLI (`node dist/bin/leakfix.js`) with the test-only rules.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../helpers/paths';

/** The compiled test-only rule modules (this file's siblings). */
export const RENAME_RULE_MODULE = path.join(__dirname, 'rename-leaky.js');
export const FAULTY_RULES_MODULE = path.join(__dirname, 'faulty.js');
export const TEST_RULE_MODULES = [RENAME_RULE_MODULE, FAULTY_RULES_MODULE];

const created: string[] = [];

export function sandbox(files: Record<string, string | Buffer>, options: { git?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakfix-test-'));
  created.push(dir);
  writeFiles(dir, files);
  if (options.git) {
    git(dir, ['init', '-q']);
    commitAll(dir);
  }
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export function removeSandboxes(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function git(dir: string, args: string[], input?: string): string {
  const result = spawnSync('git', ['-c', 'user.name=leakfix-test', '-c', 'user.email=test@example.com', '-c', 'core.autocrlf=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    input,
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

export function commitAll(dir: string): void {
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', 'snapshot']);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI; async so test suites can run several at once. */
export function leakfix(
  cwd: string,
  args: string[],
  options: { input?: string; ruleModules?: string[] | null; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1', ...options.env };
  delete env.FORCE_COLOR;
  if (options.ruleModules !== null) env.LEAKFIX_RULE_MODULES = (options.ruleModules ?? TEST_RULE_MODULES).join(path.delimiter);
  else delete env.LEAKFIX_RULE_MODULES;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Every file under `dir` (not .git), as bytes, keyed by relative path. */
export function readTree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(dir, full).split(path.sep).join('/')] = fs.readFileSync(full);
    }
  };
  walk(dir);
  return out;
}
