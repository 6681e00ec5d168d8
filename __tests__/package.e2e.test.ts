/**
 * The user path, end to end, on the packed tarballs: `npm pack` both packages, a throw-away project
 * (a git repository with leaky CJS, ESM and TSX files) installs the CLI tarball as a devDependency
 * (its dependencies from the registry, as a user's install would), then `npx leakfix transform
 * --dry` → `git apply` → the runtime tarball is installed → the rewritten code runs and leaves no
 * handle after `shutdown()`, and the README's server wiring ends on SIGTERM → `npx leakfix
 * transform --check` exits 0. On the way: `--version`, `--typed` without TypeScript (one line,
 * exit 3) and a transform run by plain jscodeshift from the installed package.
 *
 * Needs a built tree (`npm test` builds first) and the npm registry or a warm npm cache.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sh as runCommand, userEnv } from './helpers/npm';
import { toCommonJs } from './helpers/run-code';
import { REPO_ROOT } from './helpers/paths';


const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'leakfix-e2e-'));
after(() => fs.rmSync(WORK, { recursive: true, force: true }));

/** Each step's wall time, printed as a test diagnostic (how long the user path takes). */
const timings: string[] = [];

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const started = performance.now();
  const result = runCommand(command, args, cwd);
  timings.push(`${path.basename(command)} ${args.filter((a) => !/^-|[/=]/.test(a)).slice(0, 2).join(' ')}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  assert.equal(result.status, 0, `${what} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `npm pack` of a package folder into WORK; the tree is already built, so no prepack build. */
function pack(dir: string): string {
  const out = ok(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', WORK], dir), `npm pack in ${dir}`);
  const [info] = JSON.parse(out) as Array<{ filename: string }>;
  return path.join(WORK, info!.filename);
}

const LEAKY: Record<string, string> = {
  // ESM: a dropped interval handle → supervise() imported from the runtime's ESM build.
  'src/metrics.mjs': `let ticks = 0;

export function startMetrics() {
  setInterval(async () => {
    ticks += 1;
  }, 5);
}

export function metricsTicks() {
  return ticks;
}
`,
  // CJS: a floating promise → track() required from the runtime's CJS build.
  'src/audit.cjs': `const { appendFile } = require('node:fs/promises');

async function writeEntry(file, entry) {
  await appendFile(file, \`\${JSON.stringify(entry)}\\n\`);
}

function recordAction(file, action) {
  writeEntry(file, { action });
}

module.exports = { recordAction };
`,
  // TSX: types and JSX in the same file as a dropped interval handle.
  'src/poller.tsx': `let polls = 0;
const POLL_MS = 5;

export function startPolling(): void {
  setInterval(() => {
    polls += 1;
  }, POLL_MS);
}

export function pollCount(): number {
  return polls;
}

export const PollStatus = (props: { label: string }) => <span>{props.label}: {polls}</span>;
`,
};

/**
 * The service's entry point, written after the migration (in build/, which leakfix never walks):
 * starts every rewritten module, waits for each to have done its work once, then calls shutdown()
 * and prints what is still alive. The process must then exit by itself.
 */
const MAIN = `import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import { shutdown } from '@leakfix/runtime';
import { startMetrics, metricsTicks } from '../src/metrics.mjs';

const require = createRequire(import.meta.url);
const { recordAction } = require('../src/audit.cjs');
const { startPolling, pollCount } = require('./poller.cjs');

const auditFile = new URL('./audit.jsonl', import.meta.url);
startMetrics();
startPolling();
recordAction(auditFile, 'login');
while (metricsTicks() === 0 || pollCount() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
const report = await shutdown({ timeoutMs: 5000 });
const alive = process.getActiveResourcesInfo().filter((name) => name === 'Timeout' || name === 'Immediate');
console.log('RESULT ' + JSON.stringify({ report, alive, audit: fs.readFileSync(auditFile, 'utf8') }));
`;

/**
 * Runs the README's plain-Node-server example (port 0 instead of 8080, a `handler`, one rewritten
 * module started), sends SIGTERM once it listens, and waits. The app also has a SIGTERM listener
 * of its own, so handleShutdownSignals does not re-raise the signal: the process must then end by
 * itself, which it only does when the server is closed and the supervised task stopped.
 */
async function runReadmeServer(project: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const snippet = /In the entry point of a plain Node server:\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(snippet !== undefined && snippet.includes('.listen(8080)'), 'the README has the plain Node server example');
  const entry = [
    "const handler = (req, res) => res.end('ok');",
    snippet.replace('.listen(8080)', '.listen(0)'),
    "import { startMetrics } from '../src/metrics.mjs';",
    'startMetrics();',
    'process.on(\'SIGTERM\', () => {});',
    "server.on('listening', () => console.log('READY'));",
    '',
  ].join('\n');
  fs.writeFileSync(path.join(project, 'build', 'server.mjs'), entry);
  const child = spawn(process.execPath, ['build/server.mjs'], { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('READY\n') && !child.killed) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(killer);
  return { code, signal, output };
}

test('the user path on the packed tarballs: install, dry run, git apply, runtime, run, --check', { timeout: 600_000 }, async (t) => {
  const testStarted = performance.now();
  const cliTarball = pack(REPO_ROOT);
  const runtimeTarball = pack(path.join(REPO_ROOT, 'runtime'));
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

  const project = path.join(WORK, 'app');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'e2e-app', version: '1.0.0', private: true }, null, 2)}\n`);
  fs.writeFileSync(path.join(project, '.gitignore'), 'node_modules/\nbuild/\n');
  for (const [name, source] of Object.entries(LEAKY)) {
    fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
    fs.writeFileSync(path.join(project, name), source);
  }
  const git = (...args: string[]): string => ok(sh('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@leakfix.invalid', ...args], project), `git ${args[0]}`);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'leaky app');

  // Install the CLI as a user would: a devDependency, its dependencies from the registry.
  ok(sh('npm', ['install', '--save-dev', '--prefer-offline', cliTarball], project), 'npm install the CLI tarball');
  assert.equal(fs.existsSync(path.join(project, 'node_modules', 'typescript')), false, 'typescript must not come with the CLI (an optional peer)');
  assert.equal(fs.existsSync(path.join(project, 'node_modules', '@leakfix', 'runtime')), false, 'the runtime is not a dependency of the CLI');
  git('add', 'package.json', 'package-lock.json');
  git('commit', '-qm', 'add leakfix');

  // The installed bin (the shim npx runs), straight: saves npx's start-up twice.
  const bin = path.join(project, 'node_modules', '.bin', 'leakfix');
  const version = ok(sh(bin, ['--version'], project), 'leakfix --version');
  assert.equal(version.trim(), `leakfix ${manifest.version}\n@leakfix/runtime ^${manifest.version} (imported by rewritten code)`);

  const typed = sh(bin, ['transform', '--dry', '--typed'], project);
  assert.equal(typed.status, 3, typed.stderr);
  assert.equal(typed.stdout, '');
  assert.match(typed.stderr, /^leakfix: typed mode .* needs the typescript package, which is not installed: npm install --save-dev typescript\n$/);

  // The same transform through plain jscodeshift, from the installed package (on a copy in build/).
  fs.mkdirSync(path.join(project, 'build'));
  fs.writeFileSync(path.join(project, 'build', 'metrics.mjs'), LEAKY['src/metrics.mjs']!);
  const transformFile = path.join('node_modules', 'leakfix', 'dist', 'transforms', 'supervise-intervals.js');
  const jscodeshift = ok(sh('npx', ['jscodeshift', '-t', transformFile, '--extensions=mjs', '--no-babel', '--run-in-band', 'build/metrics.mjs'], project), 'npx jscodeshift');
  assert.match(jscodeshift, /1 ok/);
  const viaJscodeshift = fs.readFileSync(path.join(project, 'build', 'metrics.mjs'), 'utf8');

  // Dry run to a patch, review, git apply.
  const dry = sh('npx', ['leakfix', 'transform', '--dry'], project);
  assert.equal(dry.status, 0, dry.stderr);
  for (const file of Object.keys(LEAKY)) assert.match(dry.stdout, new RegExp(`^diff --git a/${file} b/${file}$`, 'm'));
  assert.match(dry.stdout, /^\+import \{ supervise \} from '@leakfix\/runtime';$/m);
  assert.match(dry.stdout, /^\+const \{ track \} = require\('@leakfix\/runtime'\);$/m);
  const patch = path.join(WORK, 'leakfix.patch');
  fs.writeFileSync(patch, dry.stdout);
  git('apply', '--check', patch);
  git('apply', patch);
  assert.equal(fs.readFileSync(path.join(project, 'src', 'metrics.mjs'), 'utf8'), viaJscodeshift, 'jscodeshift and the CLI rewrite alike');

  const dependsOnRuntime = (): boolean => {
    const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    return pkg.dependencies?.['@leakfix/runtime'] !== undefined;
  };
  // The --dry patch carries the package.json change: applied, the project declares the runtime
  // before anything installs it.
  assert.ok(dependsOnRuntime(), 'the patch adds @leakfix/runtime to package.json dependencies');
  ok(sh('npm', ['install', '--prefer-offline', runtimeTarball], project), 'npm install the runtime tarball');
  assert.ok(dependsOnRuntime(), 'package.json depends on @leakfix/runtime');

  // Run the rewritten code: TSX transpiled to CJS (types erased), ESM and CJS as they are.
  fs.writeFileSync(path.join(project, 'build', 'poller.cjs'), toCommonJs(fs.readFileSync(path.join(project, 'src', 'poller.tsx'), 'utf8'), 'poller.tsx'));
  fs.writeFileSync(path.join(project, 'build', 'main.mjs'), MAIN);
  const started = spawnSync(process.execPath, ['build/main.mjs'], { cwd: project, env: userEnv(), encoding: 'utf8', timeout: 60_000 });
  assert.equal(started.error, undefined, `the rewritten service did not exit by itself after shutdown(): ${String(started.error)}\n${started.stdout}\n${started.stderr}`);
  assert.equal(started.status, 0, `${started.stdout}\n${started.stderr}`);
  const line = started.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, started.stdout);
  const result = JSON.parse(line.slice('RESULT '.length)) as {
    report: { tasks: Array<{ name: string; reason: string; timedOut: boolean }>; timedOut: boolean };
    alive: string[];
    audit: string;
  };
  assert.deepEqual(result.alive, [], 'no timer left after shutdown()');
  assert.equal(result.report.timedOut, false);
  assert.deepEqual(result.report.tasks.map((t) => [t.name, t.reason, t.timedOut]).sort(), [['startMetrics', 'shutdown', false], ['startPolling', 'shutdown', false]]);
  assert.equal(result.audit, '{"action":"login"}\n', 'the tracked write finished before shutdown() resolved');

  // The README's entry-point wiring for a plain Node server, as printed there, on SIGTERM.
  const server = await runReadmeServer(project);
  assert.equal(server.signal, null, `killed: the server did not end by itself after SIGTERM\n${server.output}`);
  assert.equal(server.code, 0, server.output);

  // Idempotent: a second run finds nothing to change (in worker threads: the shipped worker script).
  const check = sh('npx', ['leakfix', 'transform', '--check', '--jobs', '2'], project);
  assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
  assert.match(check.stderr, /3 files found, .* 0 would change, 3 unchanged, 0 failed \(.*, 2 workers\)/);
  t.diagnostic(`user path ${((performance.now() - testStarted) / 1000).toFixed(1)} s: ${timings.join(', ')}`);
});
