/**
 * `--typed` reaches track-async: a call to an imported async function is only known to return a
 * promise through the type checker, so it is tracked with --typed and left alone without it.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { leakfix, removeSandboxes, sandbox } from './transforms/sandbox';

after(removeSandboxes);

const PROJECT = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', noEmit: true }, include: ['src'] }),
  'src/store.ts': 'export async function flush(): Promise<void> {}\n',
  'src/app.ts': "import { flush } from './store';\n\nexport function onExit(): void {\n  flush();\n}\n",
};

test('--typed finds a floating call to an imported async function; without it, it is not certain', async () => {
  const dir = sandbox(PROJECT, { git: true });
  const untyped = await leakfix(dir, ['transform', '--dry', '-t', 'track-async', 'src'], { ruleModules: null });
  assert.equal(untyped.code, 0, untyped.stderr);
  assert.equal(untyped.stdout, '');

  const typed = await leakfix(dir, ['transform', '--dry', '--typed', '-t', 'track-async', 'src'], { ruleModules: null });
  assert.equal(typed.code, 0, typed.stderr);
  assert.match(typed.stdout, /^-  flush\(\);\n\+  track\(flush\(\), 'onExit:flush'\);$/m);
  assert.match(typed.stdout, /^\+import \{ track \} from '@leakfix\/runtime';$/m);
});

test('audit --typed grades the same call as a RED floating promise', async () => {
  const dir = sandbox(PROJECT, { git: true });
  const audit = await leakfix(dir, ['audit', '--typed', '--format', 'json', '-t', 'track-async', 'src'], { ruleModules: null });
  assert.equal(audit.code, 0, audit.stderr);
  assert.match(audit.stdout, /"grade": "red"/);
  assert.match(audit.stdout, /floating-promise/);
});

test('--typed builds the Program once per run, outside the per-file time, and says so in --verbose', async () => {
  const dir = sandbox({ ...PROJECT, 'src/other.ts': "import { flush } from './store';\n\nexport function onIdle(): void {\n  flush();\n}\n" }, { git: true });
  const result = await leakfix(dir, ['transform', '--dry', '--typed', '--verbose', '-j', '2', '-t', 'track-async', 'src'], { ruleModules: null });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr.match(/built TypeScript program for .*tsconfig\.json in [\d.]+ s/g)?.length, 1, result.stderr);
  assert.match(result.stderr, /, 1 worker\)/);
  assert.match(result.stdout, /track\(flush\(\), 'onIdle:flush'\)/);
});

test('--typed without a tsconfig prints one notice for the run and analyses without types', async () => {
  const dir = sandbox({ 'src/a.ts': 'async function f(): Promise<void> {}\nf();\n', 'src/b.ts': 'async function g(): Promise<void> {}\ng();\n' }, { git: true });
  const result = await leakfix(dir, ['transform', '--dry', '--typed', '-t', 'track-async', 'src'], { ruleModules: null });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr.match(/typed mode unavailable/g)?.length, 1, result.stderr);
  assert.match(result.stderr, /note: track-async: typed mode unavailable \(no tsconfig\.json at or above the file\); analysed without types \(2 files\)/);
  assert.match(result.stdout, /track\(f\(\), 'f'\)/);
  const audit = await leakfix(dir, ['audit', '--typed', '--format', 'json', '-t', 'track-async', 'src'], { ruleModules: null });
  assert.doesNotMatch(audit.stdout, /typed-mode/);
});
