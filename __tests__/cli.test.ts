/**
 * The leakfix CLI, run for real (`node dist/bin/leakfix.js`) in throw-away directories with the
 * test-only rules of __tests__/transforms (test-rename: leakyCall() → safeCall(); faulty rules that
 * throw, print unparsable code, hang or crash their worker).
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitAll, git, leakfix, readTree, removeSandboxes, sandbox, writeFiles } from './transforms/sandbox';

after(removeSandboxes);

// Each test spawns the CLI; running a few at once keeps the suite short on two cores.
describe('leakfix CLI', { concurrency: 2 }, () => {

const CRLF_FILE = 'const a = 1;\r\nleakyCall(a);\r\n// keep me\r\nleakyCall(...rest);\r\n';
const BOM_SHEBANG_FILE = '\uFEFF#!/usr/bin/env node\n"use strict";\nleakyCall("x");\n';
const NO_EOL_FILE = "import x from 'y';\n\nexport function f() {\n  return leakyCall(x);\n}";
const PROJECT: Record<string, string> = {
  'src/crlf.js': CRLF_FILE,
  'src/bin/cli.ts': BOM_SHEBANG_FILE,
  'src/no-eol.mjs': NO_EOL_FILE,
  'src/untouched.js': 'export const nothing = 1;\n',
  'src/safe.tsx': 'export const C = () => <div>{safeCall()}</div>;\n',
  'src/with space "quoted".js': 'leakyCall(5);\n',
};

function expectNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+\(.+:\d+:\d+\)$/m, `stack trace in: ${stderr}`);
}

describe('transform --dry and write mode', { concurrency: 4 }, () => {
  test('the --dry patch, applied with git apply, gives the same bytes as write mode', async () => {
    const dryDir = sandbox(PROJECT, { git: true });
    const writeDir = sandbox(PROJECT, { git: true });
    const dry = await leakfix(dryDir, ['transform', '--dry']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^diff --git a\/src\/bin\/cli\.ts b\/src\/bin\/cli\.ts\n--- a\/src\/bin\/cli\.ts\n\+\+\+ b\/src\/bin\/cli\.ts\n@@ /);
    assert.doesNotMatch(dry.stdout, /leakfix transform|files found/, 'the summary must not be on stdout');
    assert.match(dry.stderr, /6 files found/);
    assert.deepEqual(readTree(dryDir), readTree(sandbox(PROJECT)), '--dry must write nothing');

    git(dryDir, ['apply', '--whitespace=nowarn', '-'], dry.stdout);

    const written = await leakfix(writeDir, ['transform']);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /wrote 4 files/);
    assert.deepEqual(readTree(dryDir), readTree(writeDir));
  });

  test('CRLF line endings, the BOM and the shebang are kept', async () => {
    const dir = sandbox(PROJECT, { git: true });
    const result = await leakfix(dir, ['transform', '-q']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const tree = readTree(dir);
    assert.equal(tree['src/crlf.js'].toString('utf8'), CRLF_FILE.replace('leakyCall(a)', 'safeCall(a)'));
    assert.equal(tree['src/bin/cli.ts'].toString('utf8'), BOM_SHEBANG_FILE.replace('leakyCall', 'safeCall'));
    assert.deepEqual([...tree['src/bin/cli.ts'].subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(tree['src/no-eol.mjs'].toString('utf8'), NO_EOL_FILE.replace('leakyCall', 'safeCall'));
  });

  test('writes keep the file mode', async () => {
    const dir = sandbox({ 'tool.js': 'leakyCall(1);\n' }, { git: false });
    fs.chmodSync(path.join(dir, 'tool.js'), 0o755);
    const result = await leakfix(dir, ['transform', '-q']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.statSync(path.join(dir, 'tool.js')).mode & 0o777, 0o755);
    assert.deepEqual(fs.readdirSync(dir), ['tool.js'], 'no temporary file is left behind');
  });

  test('--check exits 1 when a file would change, writes nothing, and exits 0 once fixed', async () => {
    const dir = sandbox(PROJECT, { git: true });
    const before = readTree(dir);
    const check = await leakfix(dir, ['transform', '--check']);
    assert.equal(check.code, 1, check.stderr);
    assert.equal(check.stdout, '');
    assert.match(check.stderr, /would change \(4\):\n {2}src\/bin\/cli\.ts\n {2}src\/crlf\.js\n/);
    assert.deepEqual(readTree(dir), before);
    assert.equal((await leakfix(dir, ['transform', '--check', '--quiet'])).code, 1, '--quiet keeps the exit code');
    assert.equal((await leakfix(dir, ['transform', '-q'])).code, 0);
    commitAll(dir);
    const again = await leakfix(dir, ['transform', '--check']);
    assert.equal(again.code, 0, again.stderr);
  });

  test('a file with a syntax error is reported and left byte-identical; the other files are still done', async () => {
    const broken = 'function broken( {\n  leakyCall(1);\n';
    const dir = sandbox({ ...PROJECT, 'src/broken.js': broken }, { git: true });
    const result = await leakfix(dir, ['transform']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /src\/broken\.js: parse-error: .*\(\d+:\d+\)/);
    expectNoStack(result.stderr);
    const tree = readTree(dir);
    assert.equal(tree['src/broken.js'].toString('utf8'), broken);
    assert.match(tree['src/crlf.js'].toString('utf8'), /safeCall\(a\)/);
  });
});

describe('transforms that fail never damage a file', { concurrency: 4 }, () => {
  const files = {
    'a-throws.js': 'THROW_IN_DETECT;\nleakyCall(1);\n',
    'b-bad-output.js': 'BREAK_OUTPUT;\nleakyCall(2);\n',
    'c-good.js': 'leakyCall(3);\n',
  };
  for (const jobs of ['0', '2']) {
    test(`a throwing transform and unparsable output (jobs ${jobs})`, async () => {
      const dir = sandbox(files, { git: true });
      const result = await leakfix(dir, ['transform', '-j', jobs, '--format', 'json']);
      assert.equal(result.code, 2, result.stderr);
      const report = JSON.parse(result.stdout) as { files: Array<{ path: string; status: string; reason?: string; transform?: string; message?: string }> };
      const byPath = new Map(report.files.map((f) => [f.path, f]));
      assert.equal(byPath.get('a-throws.js')?.status, 'error');
      assert.equal(byPath.get('a-throws.js')?.transform, 'test-throws');
      assert.equal(byPath.get('b-bad-output.js')?.reason, 'internal-error');
      assert.equal(byPath.get('b-bad-output.js')?.transform, 'test-bad-output');
      assert.match(byPath.get('b-bad-output.js')?.message ?? '', /does not parse/);
      assert.equal(byPath.get('c-good.js')?.status, 'changed');
      const tree = readTree(dir);
      assert.equal(tree['a-throws.js'].toString(), files['a-throws.js']);
      assert.equal(tree['b-bad-output.js'].toString(), files['b-bad-output.js']);
      assert.equal(tree['c-good.js'].toString(), 'safeCall(3);\n');
    });
  }

  test('a file edited while leakfix works on it is not written, and is reported', async () => {
    const dir = sandbox({ 'edited.js': 'EDIT_DURING_RUN;\n', 'other.js': 'leakyCall(1);\n' }, { git: true });
    const result = await leakfix(dir, ['transform']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /edited\.js: changed-since-read: the file changed on disk/);
    assert.equal(fs.readFileSync(path.join(dir, 'edited.js'), 'utf8'), 'EDIT_DURING_RUN;\n// edited meanwhile\n');
    assert.equal(fs.readFileSync(path.join(dir, 'other.js'), 'utf8'), 'safeCall(1);\n');
  });

  test('a file that hangs or crashes its worker is reported and the run goes on', async () => {
    const many: Record<string, string> = { 'hang.js': 'HANG_FOREVER;\nleakyCall(0);\n', 'crash.js': 'CRASH_WORKER;\n' };
    for (let i = 0; i < 8; i++) many[`ok-${i}.js`] = `leakyCall(${i});\n`;
    const dir = sandbox(many, { git: true });
    const result = await leakfix(dir, ['transform', '-j', '2', '--timeout', '1000']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /hang\.js: timeout/);
    assert.match(result.stderr, /crash\.js: worker-crashed/);
    const tree = readTree(dir);
    assert.equal(tree['hang.js'].toString(), many['hang.js']);
    for (let i = 0; i < 8; i++) assert.equal(tree[`ok-${i}.js`].toString(), `safeCall(${i});\n`);
  });
});

describe('discovery', { concurrency: 4 }, () => {
  test('.gitignore files are honoured, nested ones and negations too; dependencies and build output are skipped', async () => {
    const files = {
      '.gitignore': 'ignored-root.js\nlogs/\n',
      'keep.js': 'leakyCall(1);\n',
      'ignored-root.js': 'leakyCall(1);\n',
      'logs/x.js': 'leakyCall(1);\n',
      'pkg/.gitignore': '*.gen.js\n!keep.gen.js\n',
      'pkg/a.gen.js': 'leakyCall(1);\n',
      'pkg/keep.gen.js': 'leakyCall(1);\n',
      'pkg/deep/.gitignore': 'secret.ts\n',
      'pkg/deep/secret.ts': 'leakyCall(1);\n',
      'pkg/deep/open.ts': 'leakyCall(1);\n',
      'node_modules/dep/index.js': 'leakyCall(1);\n',
      'dist/out.js': 'leakyCall(1);\n',
      'types.d.ts': 'declare function leakyCall(): void;\n',
      'vendor.min.js': 'leakyCall(1);\n',
      'README.md': 'leakyCall(1)\n',
    };
    const expected = ['keep.js', 'pkg/deep/open.ts', 'pkg/keep.gen.js'];
    for (const withGit of [true, false]) {
      const dir = sandbox(files, { git: withGit });
      const result = await leakfix(dir, ['transform', '--dry', '--format', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as { files: Array<{ path: string }> };
      assert.deepEqual(report.files.map((f) => f.path), expected, withGit ? 'in a git repository' : 'outside git');
    }
  });

  test('a parent .gitignore applies when a subdirectory is named', async () => {
    const dir = sandbox({ '.gitignore': 'gen/\n', 'app/gen/x.js': 'leakyCall(1);\n', 'app/y.js': 'leakyCall(1);\n' }, { git: true });
    const result = await leakfix(dir, ['transform', '--dry', '--format', 'json', 'app']);
    const report = JSON.parse(result.stdout) as { files: Array<{ path: string }> };
    assert.deepEqual(report.files.map((f) => f.path), ['app/y.js']);
  });

  test('generated, minified, binary and too-large files are skipped with a reason', async () => {
    const dir = sandbox({
      'bundle.js': '/******/ (function(modules) { // webpackBootstrap\nleakyCall(1);\n',
      'compiled.js': 'leakyCall(1);\n//# sourceMappingURL=compiled.js.map\n',
      'generated.ts': '// @generated by protoc\nleakyCall(1);\n',
      'long-line.js': `leakyCall(${'1+'.repeat(1500)}1);\n`,
      'binary.js': Buffer.from([0x6c, 0x00, 0x01, 0x02]),
      'big.js': `leakyCall(1);\n${'// padding\n'.repeat(500)}`,
      'normal.js': 'leakyCall(1);\n',
    });
    const result = await leakfix(dir, ['transform', '--dry', '--format', 'json', '--max-size', '4kb']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { files: Array<{ path: string; status: string; reason?: string }>; summary: { skippedByReason: Record<string, number> } };
    const reasons = Object.fromEntries(report.files.map((f) => [f.path, `${f.status}:${f.reason ?? ''}`]));
    assert.deepEqual(reasons, {
      'big.js': 'skipped:too-large',
      'binary.js': 'skipped:binary',
      'bundle.js': 'skipped:generated',
      'compiled.js': 'skipped:generated',
      'generated.ts': 'skipped:generated',
      'long-line.js': 'skipped:minified',
      'normal.js': 'changed:',
    });
    assert.equal(report.summary.skippedByReason.generated, 3);
  });

  test('--include, --exclude, --extensions and --files-from choose the files', async () => {
    const dir = sandbox({ 'a/x.js': 'leakyCall(1);\n', 'a/y.ts': 'leakyCall(1);\n', 'b/z.js': 'leakyCall(1);\n', 'b/w.jsx': 'leakyCall(1);\n' });
    const paths = async (args: string[], input?: string): Promise<string[]> => {
      const result = await leakfix(dir, ['transform', '--dry', '--format', 'json', ...args], { input });
      assert.equal(result.code, 0, result.stderr);
      return (JSON.parse(result.stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path);
    };
    assert.deepEqual(await paths(['--include', 'a/**']), ['a/x.js', 'a/y.ts']);
    assert.deepEqual(await paths(['--exclude', '*.ts', '--exclude', 'b/w.jsx']), ['a/x.js', 'b/z.js']);
    assert.deepEqual(await paths(['--extensions', 'jsx,ts']), ['a/y.ts', 'b/w.jsx']);
    assert.deepEqual(await paths(['--files-from', '-'], 'b/z.js\nREADME.md\na/y.ts\ndeleted.md\ngone.js\n'), ['a/y.ts', 'b/z.js', 'gone.js']);
  });

  test('--changed-since takes files changed since a ref, committed or not', async () => {
    const dir = sandbox({ 'old.js': 'leakyCall(1);\n', 'edited.js': 'leakyCall(1);\n' }, { git: true });
    git(dir, ['tag', 'base']);
    writeFiles(dir, { 'edited.js': 'leakyCall(2);\n', 'committed.js': 'leakyCall(3);\n' });
    git(dir, ['add', 'committed.js']);
    git(dir, ['commit', '-q', '-m', 'more']);
    writeFiles(dir, { 'untracked.js': 'leakyCall(4);\n' });
    const result = await leakfix(dir, ['transform', '--dry', '--format', 'json', '--changed-since', 'base']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path), ['committed.js', 'edited.js', 'untracked.js']);
    const bad = await leakfix(dir, ['transform', '--dry', '--changed-since', 'no-such-ref']);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /unknown git ref "no-such-ref"/);
  });
});

describe('sharding', { concurrency: 4 }, () => {
  test('--shard i/n splits the files into disjoint shards that cover every file', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`src/m${i}/f${i}.js`] = `leakyCall(${i});\n`;
    const dir = sandbox(files);
    const listed = async (args: string[]): Promise<string[]> => {
      const result = await leakfix(dir, ['transform', '--dry', '--format', 'json', ...args]);
      assert.equal(result.code, 0, result.stderr);
      return (JSON.parse(result.stdout) as { files: Array<{ path: string }> }).files.map((f) => f.path);
    };
    const all = await listed(['-j', '0']);
    assert.equal(all.length, 40);
    const shards = await Promise.all([1, 2, 3].map((i) => listed(['-j', '0', '--shard', `${i}/3`])));
    for (const shard of shards) assert.ok(shard.length > 0, 'every shard gets files');
    const union = shards.flat().sort();
    assert.deepEqual(union, [...all].sort(), 'shards cover every file');
    assert.equal(new Set(union).size, union.length, 'shards are disjoint');
  });
});

describe('dirty-tree guard', { concurrency: 4 }, () => {
  test('refuses to write files with uncommitted changes unless --allow-dirty', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n', 'b.js': 'leakyCall(2);\n' }, { git: true });
    writeFiles(dir, { 'a.js': 'leakyCall(10);\n' });
    const refused = await leakfix(dir, ['transform']);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /refusing to write: 1 file that would change has uncommitted changes \(a\.js\).*--allow-dirty/);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'leakyCall(10);\n');
    assert.equal(fs.readFileSync(path.join(dir, 'b.js'), 'utf8'), 'leakyCall(2);\n', 'nothing is written');
    assert.equal((await leakfix(dir, ['transform', '--dry'])).code, 0, '--dry is not guarded');

    const fromOutside = await leakfix(path.dirname(dir), ['transform', path.basename(dir)]);
    assert.equal(fromOutside.code, 3, 'the guard holds when the run starts outside the repository');

    const allowed = await leakfix(dir, ['transform', '--allow-dirty']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'safeCall(10);\n');
    assert.equal(fs.readFileSync(path.join(dir, 'b.js'), 'utf8'), 'safeCall(2);\n');
  });

  test('a dirty file that would not change does not block the run', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n', 'notes.js': 'export {};\n' }, { git: true });
    writeFiles(dir, { 'notes.js': 'export const edited = 1;\n' });
    const result = await leakfix(dir, ['transform']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'safeCall(1);\n');
  });
});

describe('reports', { concurrency: 4 }, () => {
  const files = {
    'src/a.js': 'leakyCall(1);\nleakyCall(...args);\n// leakfix-ignore\nleakyCall(2);\n',
    'src/skip-me.js': '// leakfix-ignore-file\nleakyCall(1);\n',
    'src/broken.js': 'leakyCall(\n',
  };

  test('json: one record per file with status, reason, findings and diff', async () => {
    const dir = sandbox(files, { git: true });
    const out = path.join(dir, '..', `${path.basename(dir)}.json`);
    const result = await leakfix(dir, ['transform', '--dry', '--format', 'json', '--output', out]);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      tool: string;
      version: string;
      summary: { found: number; changed: number; failed: number; skipped: number; transforms: Record<string, { fixed: number; refused: number; refusedByReason: Record<string, number>; ignored: number }> };
      files: Array<{ path: string; status: string; reason?: string; diff?: string; findings: Array<{ transform: string; rule: string; location: string; status: string; reason?: string }> }>;
    };
    fs.rmSync(out);
    assert.equal(report.tool, 'leakfix');
    assert.match(report.version, /^\d+\.\d+\.\d+/);
    const a = report.files.find((f) => f.path === 'src/a.js');
    assert.equal(a?.status, 'changed');
    assert.match(a?.diff ?? '', /^diff --git a\/src\/a\.js b\/src\/a\.js\n/);
    assert.deepEqual(
      a?.findings.map((f) => [f.transform, f.rule, f.location, f.status, f.reason ?? null]),
      [
        ['test-rename', 'leaky-call', '1:1', 'fixed', null],
        ['test-rename', 'leaky-call', '2:1', 'refused', 'spread-args'],
        ['test-rename', 'leaky-call', '4:1', 'ignored', 'leakfix-ignore'],
      ],
    );
    const skip = report.files.find((f) => f.path === 'src/skip-me.js');
    assert.deepEqual([skip?.status, skip?.reason], ['skipped', 'ignore-file']);
    const broken = report.files.find((f) => f.path === 'src/broken.js');
    assert.deepEqual([broken?.status, broken?.reason], ['error', 'parse-error']);
    assert.equal(report.summary.found, 3);
    assert.equal(report.summary.changed, 1);
    assert.equal(report.summary.failed, 1);
    assert.equal(report.summary.transforms['test-rename'].fixed, 1);
    assert.deepEqual(report.summary.transforms['test-rename'].refusedByReason, { 'spread-args': 1 });
    assert.equal(report.summary.transforms['test-rename'].ignored, 1);
  });

  test('markdown: a PR description with what changed, the files, and the sites left for review', async () => {
    const dir = sandbox(files, { git: true });
    const result = await leakfix(dir, ['transform', '--format', 'markdown', '--allow-dirty']);
    assert.equal(result.code, 2, result.stderr);
    const md = result.stdout;
    assert.match(md, /^## /);
    assert.match(md, /### What changed\n\n\| Transform \| What it does \| Sites fixed \| Files \| Left for review \|/);
    assert.match(md, /\| `test-rename` \| Renames leakyCall\(\) to safeCall\(\) \(test-only\)\. \| 1 \| 1 \| 1 \|/);
    assert.match(md, /- `src\/a\.js`: 1 site \(line 1\)/);
    assert.match(md, /### Left for manual review[\s\S]*\| `src\/a\.js:2` \| `test-rename` \| `leaky-call` \| `spread-args` Calls with spread arguments are left alone\. \|/);
    assert.match(md, /`src\/a\.js:4` `test-rename\/leaky-call` \(`\/\/ leakfix-ignore`\)/);
    assert.match(md, /`src\/skip-me\.js` \(`\/\/ leakfix-ignore-file`\)/);
    assert.match(md, /### Not processed[\s\S]*`src\/broken\.js`: parse-error/);
    assert.equal(fs.readFileSync(path.join(dir, 'src/a.js'), 'utf8'), 'safeCall(1);\nleakyCall(...args);\n// leakfix-ignore\nleakyCall(2);\n');
  });

  test('text: the summary on stderr counts files and sites per transform', async () => {
    const dir = sandbox({ ...files, 'src/plain.js': 'export const x = 1;\n' });
    const result = await leakfix(dir, ['transform', '--dry', '--verbose']);
    assert.match(result.stderr, /4 files found, 1 skipped, 1 skipped by prefilter, 3 parsed, 1 would change, 1 unchanged, 1 failed/);
    assert.match(result.stderr, /test-rename\s+1 fixed in 1 file, 1 refused \(spread-args 1\), 1 ignored/);
    assert.match(result.stderr, /sites left for manual review:\n  src\/a\.js:2:1 test-rename\/leaky-call refused \(spread-args\)/);
    assert.match(result.stderr, /slowest files:/);
  });
});

describe('configuration and selection', { concurrency: 4 }, () => {
  test('leakfix.config.json sets defaults, flags override it, options are validated', async () => {
    const dir = sandbox({
      'leakfix.config.json': JSON.stringify({ transforms: ['test-rename'], exclude: ['skip/**'], options: { 'test-rename': { target: 'fromConfig' } } }),
      'a.js': 'leakyCall(1);\n',
      'skip/b.js': 'leakyCall(1);\n',
    });
    const result = await leakfix(dir, ['transform', '--dry']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\+fromConfig\(1\);/);
    assert.doesNotMatch(result.stdout, /skip\/b\.js/);
    const overridden = await leakfix(dir, ['transform', '--dry', '--exclude', 'nothing']);
    assert.match(overridden.stdout, /skip\/b\.js/);

    writeFiles(dir, { 'leakfix.config.json': JSON.stringify({ options: { 'test-rename': { target: 3 } } }) });
    const badOption = await leakfix(dir, ['transform', '--dry']);
    assert.equal(badOption.code, 3);
    assert.match(badOption.stderr, /options\.test-rename\.target: expected string, got 3/);
    expectNoStack(badOption.stderr);
  });

  test('--runtime-import and the config\'s runtimeImport choose the runtime module; the flag wins', async () => {
    const dir = sandbox({
      'leakfix.config.json': JSON.stringify({ runtimeImport: '#config-runtime', options: { 'test-rename': { viaRuntime: true } } }),
      'a.mjs': 'leakyCall(1);\n',
    });
    const fromConfig = await leakfix(dir, ['transform', '--dry']);
    assert.equal(fromConfig.code, 0, fromConfig.stderr);
    assert.match(fromConfig.stdout, /\+import \{ track \} from '#config-runtime';/);
    const fromFlag = await leakfix(dir, ['transform', '--dry', '--runtime-import', '@acme/leak-runtime']);
    assert.match(fromFlag.stdout, /\+import \{ track \} from '@acme\/leak-runtime';\n[\s\S]*\+track\(1\);/);
    const markdown = await leakfix(dir, ['transform', '--dry', '--format', 'markdown', '--runtime-import', '@acme/leak-runtime']);
    assert.match(markdown.stdout, /\*\*Runtime dependency\.\*\* 1 file would import `@acme\/leak-runtime`; it must be a dependency of each package that contains them:\n {2}- 1 file with no package\.json above them: add `@acme\/leak-runtime` where they are built/);
  });

  test('a "leakfix" key in package.json is read too, and a bad key is named', async () => {
    const dir = sandbox({ 'package.json': JSON.stringify({ name: 'x', leakfix: { tranforms: ['test-rename'] } }), 'a.js': 'leakyCall(1);\n' });
    const result = await leakfix(dir, ['transform', '--dry']);
    assert.equal(result.code, 3);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /^leakfix: package\.json#leakfix: unknown key "tranforms"/);
  });

  test('-t and --skip choose transforms; an unknown name exits 3 and lists the valid ones', async () => {
    const dir = sandbox({ 'a.js': 'THROW_IN_DETECT;\nleakyCall(1);\n' });
    assert.equal((await leakfix(dir, ['transform', '--dry'])).code, 2);
    assert.equal((await leakfix(dir, ['transform', '--dry', '-t', 'test-rename'])).code, 0);
    assert.equal((await leakfix(dir, ['transform', '--dry', '--skip', 'test-throws'])).code, 0);
    const unknown = await leakfix(dir, ['transform', '-t', 'test-rename,nope']);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /unknown transform "nope".*valid: test-rename, test-throws, test-bad-output, test-hang, test-crash, test-edit-during-run/);
  });
});

describe('bad input: one line, no stack trace, the documented exit code', { concurrency: 4 }, () => {
  const cases: Array<{ name: string; args: string[]; files?: Record<string, string>; code: number; message: RegExp }> = [
    { name: 'a path that does not exist', args: ['transform', 'missing/'], code: 3, message: /^leakfix: path not found: missing\/$/ },
    { name: 'an unknown transform', args: ['transform', '-t', 'nope'], code: 3, message: /unknown transform "nope"/ },
    { name: 'a bad --shard', args: ['transform', '--shard', '3/2'], code: 3, message: /--shard 3\/2/ },
    { name: 'a malformed --shard', args: ['transform', '--shard', 'half'], code: 3, message: /--shard must look like i\/n/ },
    { name: 'a config that is not JSON', args: ['transform'], files: { 'leakfix.config.json': '{ nope' }, code: 3, message: /leakfix\.config\.json is not valid JSON/ },
    { name: 'an unknown flag', args: ['transform', '--dryy'], code: 3, message: /unknown option --dryy/ },
    { name: 'a bad --max-size', args: ['transform', '--max-size', 'lots'], code: 3, message: /--max-size/ },
    { name: 'no command', args: [], code: 3, message: /Name a command/ },
    { name: 'an empty directory', args: ['transform'], code: 0, message: /no files to process/ },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = sandbox(c.files ?? {});
      const result = await leakfix(dir, c.args);
      assert.equal(result.code, c.code, result.stderr);
      assert.match(result.stderr.split('\n')[0], c.message);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
      assert.equal(result.stdout, '');
      expectNoStack(result.stderr);
    });
  }
});

describe('audit and output plumbing', { concurrency: 4 }, () => {
  test('audit lists sites and changes nothing', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\nleakyCall(...x);\n' }, { git: true });
    const result = await leakfix(dir, ['audit']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1:1 .*test-rename\/leaky-call .*fixable/);
    assert.match(result.stdout, /2:1 .*test-rename\/leaky-call .*spread-args/);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'leakyCall(1);\nleakyCall(...x);\n');
  });

  test('diffs are plain when piped, coloured with --color, and go to --output when given', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n' });
    const piped = await leakfix(dir, ['transform', '--dry']);
    assert.doesNotMatch(piped.stdout, /\x1b\[/);
    const colored = await leakfix(dir, ['transform', '--dry', '--color'], { env: { NO_COLOR: '' } });
    assert.match(colored.stdout, /\x1b\[32m\+safeCall\(1\);\x1b\[39m/);
    const out = `${dir}.patch`;
    const toFile = await leakfix(dir, ['transform', '--dry', '--output', out]);
    assert.equal(toFile.stdout, '');
    assert.equal(fs.readFileSync(out, 'utf8'), piped.stdout);
    fs.rmSync(out);
  });
});

describe('list, help, version', { concurrency: 4 }, () => {
  test('list prints each transform with its description, options and audit pattern ids', async () => {
    const result = await leakfix(sandbox({}), ['list']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^test-rename\n  Renames leakyCall\(\) to safeCall\(\) \(test-only\)\.\n  option target \(string, default "safeCall"\): The new callee name\./m);
    assert.match(result.stdout, /^  option viaRuntime .*\n  audit patterns: test-rename\/leaky-call\n\ntest-throws\n/m);
  });

  test('--help shows examples and the exit codes; --version prints the version', async () => {
    const dir = sandbox({});
    const help = await leakfix(dir, ['transform', '--help'], { ruleModules: null });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:[\s\S]*leakfix transform --dry examples\//);
    assert.match(help.stdout, /Exit codes:[\s\S]*3 {2}usage or configuration error/);
    for (const command of ['audit', 'list']) assert.match((await leakfix(dir, [command, '--help'], { ruleModules: null })).stdout, /Examples:/);
    const version = await leakfix(dir, ['--version'], { ruleModules: null });
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const runtime = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'runtime', 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), `leakfix ${manifest.version}\n@leakfix/runtime ^${runtime.version} (imported by rewritten code)`);
  });
});
});
