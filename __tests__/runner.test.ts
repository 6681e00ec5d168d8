/**
 * The runner through its programmatic API (`run()`) and its parts: discovery, sharding, content
 * checks, config validation, diffs and atomic writes. Real files in temp directories.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyPatch } from 'diff';
import { run, UsageError } from '../index';
import { discoverFiles, DEFAULT_EXTENSIONS } from '../lib/runner/discovery';
import { inShard, parseShard } from '../lib/runner/shard';
import { binaryReason, generatedVerdict } from '../lib/runner/content';
import { parseSize, validateConfig } from '../lib/runner/config';
import { unifiedDiff } from '../lib/runner/diff';
import { hashBytes } from '../lib/runner/process-file';
import { writeIfUnchanged } from '../lib/runner/write';
import { ProgressBar, progressWanted } from '../lib/runner/progress';
import type { LeakRule } from '../lib/rule';
import { rule as renameRule } from './transforms/rename-leaky';
import { RENAME_RULE_MODULE, git, removeSandboxes, sandbox } from './transforms/sandbox';

after(removeSandboxes);

describe('run()', () => {
  test('returns one record per file with findings and diffs, and writes nothing with dry', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\nleakyCall(...x);\n', 'b.ts': 'export const b: number = 1;\n', 'c.js': 'safeCall();\n' });
    const result = await run({ cwd: dir, rules: [renameRule], dry: true, config: false });
    assert.equal(result.exitCode, 0);
    assert.equal(result.inProcess, true, 'a tiny run stays in the main thread');
    assert.deepEqual(result.records.map((r) => [r.path, r.status, r.parsed]), [
      ['a.js', 'changed', true],
      ['b.ts', 'unchanged', false],
      ['c.js', 'unchanged', true],
    ]);
    const a = result.records[0];
    assert.equal(a.written, false);
    assert.match(a.diff ?? '', /-leakyCall\(1\);\n\+safeCall\(1\);/);
    assert.deepEqual(a.findings.map((f) => [f.status, f.reason]), [['fixed', undefined], ['refused', 'spread-args']]);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'leakyCall(1);\nleakyCall(...x);\n');
    assert.equal(result.summary.skippedByPrefilter, 1);
    assert.equal(result.summary.parsed, 2);
    assert.deepEqual(result.transforms, ['test-rename']);
  });

  test('worker threads give the same records as the main thread, for rule objects and rule modules', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`src/f${i}.js`] = i % 3 === 0 ? `leakyCall(${i});\n` : `export const v${i} = ${i};\n`;
    const dir = sandbox(files);
    const strip = (records: Array<{ path: string; status: string; diff?: string }>): unknown => records.map((r) => [r.path, r.status, r.diff]);
    const inline = await run({ cwd: dir, rules: [renameRule], dry: true, config: false, jobs: 0 });
    const pooledObject = await run({ cwd: dir, rules: [renameRule], dry: true, config: false, jobs: 2 });
    const pooledModule = await run({ cwd: dir, rules: [RENAME_RULE_MODULE], dry: true, config: false, jobs: 2 });
    assert.equal(inline.inProcess, true);
    assert.equal(pooledObject.inProcess, false, 'a rule object is traced to its module, so workers can load it');
    assert.equal(pooledModule.jobs, 2);
    assert.deepEqual(strip(pooledObject.records), strip(inline.records));
    assert.deepEqual(strip(pooledModule.records), strip(inline.records));
  });

  test('a rule object with no module runs in the main thread', async () => {
    const anonymous: LeakRule = { meta: { ...renameRule.meta, name: 'anonymous' }, detect: (ctx) => renameRule.detect(ctx) };
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n' });
    const result = await run({ cwd: dir, rules: [anonymous], dry: true, config: false, jobs: 2 });
    assert.equal(result.inProcess, true);
    assert.equal(result.records[0].status, 'changed');
  });

  test("mode 'audit' reports fixable sites and changes nothing", async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n' });
    const result = await run({ cwd: dir, rules: [renameRule], mode: 'audit', config: false });
    assert.equal(result.apply, false);
    assert.equal(result.records[0].status, 'unchanged');
    assert.equal(result.records[0].diff, undefined);
    assert.deepEqual(result.records[0].findings.map((f) => f.status), ['fixable']);
    assert.equal(result.summary.transforms['test-rename'].fixable, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'leakyCall(1);\n');
  });

  test('applies changes, reports progress, and turns usage problems into UsageError', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n' });
    const seen: number[] = [];
    const result = await run({ cwd: dir, rules: [renameRule], config: false, onProgress: (p) => seen.push(p.done) });
    assert.equal(result.records[0].written, true);
    assert.equal(result.summary.written, 1);
    assert.deepEqual(seen, [1]);
    assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'safeCall(1);\n');
    await assert.rejects(run({ cwd: dir, rules: [renameRule], transforms: ['nope'], config: false }), UsageError);
    await assert.rejects(run({ cwd: dir, rules: [renameRule], shard: '0/2', config: false }), UsageError);
    await assert.rejects(run({ cwd: dir, rules: [renameRule], paths: ['missing'], config: false }), /path not found: missing/);
    await assert.rejects(run({ cwd: dir, rules: [renameRule], ruleOptions: { 'test-rename': { nope: 1 } }, config: false }), /unknown option of test-rename/);
  });

  test('the parser is chosen by extension unless overridden', async () => {
    const dir = sandbox({ 'typed.js': 'const x: number = leakyCall(1);\n' });
    const byExtension = await run({ cwd: dir, rules: [renameRule], dry: true, config: false });
    assert.deepEqual([byExtension.records[0].status, byExtension.records[0].reason, byExtension.records[0].parser], ['error', 'parse-error', 'babel']);
    const forced = await run({ cwd: dir, rules: [renameRule], dry: true, config: false, parser: 'ts' });
    assert.deepEqual([forced.records[0].status, forced.records[0].parser], ['changed', 'ts']);
  });

  test('per-transform options reach the rules', async () => {
    const dir = sandbox({ 'a.js': 'leakyCall(1);\n' });
    const result = await run({ cwd: dir, rules: [renameRule], dry: true, config: false, ruleOptions: { 'test-rename': { target: 'other' } } });
    assert.match(result.records[0].diff ?? '', /\+other\(1\);/);
  });
});

describe('discovery', () => {
  test('honours nested .gitignore files with negation, and skips dependency and build folders', () => {
    const dir = sandbox({
      '.gitignore': '*.log.js\n',
      'a.js': '',
      'x.log.js': '',
      'sub/.gitignore': '!keep.log.js\nlocal/\n',
      'sub/keep.log.js': '',
      'sub/drop.log.js': '',
      'sub/local/z.js': '',
      'coverage/lcov.js': '',
      '.next/page.js': '',
      'types/index.d.mts': '',
      'lib/x.min.js': '',
      'lib/x.cts': '',
    });
    git(dir, ['init', '-q']);
    const found = discoverFiles({ cwd: dir, paths: ['.'], extensions: DEFAULT_EXTENSIONS, include: [], exclude: [] });
    assert.deepEqual(found.files, ['a.js', 'lib/x.cts', 'sub/keep.log.js']);
  });

  test('an explicitly named file that does not qualify is reported as skipped', () => {
    const dir = sandbox({ 'notes.md': '', 'x.d.ts': '', 'ok.js': '' });
    const found = discoverFiles({ cwd: dir, paths: ['notes.md', 'x.d.ts', 'ok.js'], extensions: DEFAULT_EXTENSIONS, include: [], exclude: [] });
    assert.deepEqual(found.files, ['ok.js']);
    assert.deepEqual(found.skipped.map((r) => [r.path, r.reason]), [['notes.md', 'extension'], ['x.d.ts', 'declaration-file']]);
  });
});

describe('sharding', () => {
  test('every path is in exactly one shard', () => {
    const paths = Array.from({ length: 500 }, (_, i) => `packages/p${i % 17}/src/file-${i}.ts`);
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, i) => paths.filter((p) => inShard(p, { index: i + 1, count })));
      assert.equal(shards.flat().length, paths.length);
      assert.equal(new Set(shards.flat()).size, paths.length);
      if (count > 1) for (const shard of shards) assert.ok(shard.length > paths.length / count / 2, 'shards are balanced');
    }
  });

  test('paths that differ only in repeated digits spread over every shard (FNV-1a alone put them in two of four)', () => {
    const paths = Array.from({ length: 64 }, (_, i) => `src/mod${i}/file${i}.js`);
    const sizes = [1, 2, 3, 4].map((index) => paths.filter((p) => inShard(p, { index, count: 4 })).length);
    assert.ok(sizes.every((n) => n >= 8), `shard sizes ${sizes.join(', ')}`);
  });

  test('bad values are usage errors', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '-1/2']) assert.throws(() => parseShard(bad), UsageError, bad);
  });
});

describe('content checks', () => {
  test('generated and bundled code is recognised by content', () => {
    assert.equal(generatedVerdict('/* @generated */\nexport {};\n')?.reason, 'generated');
    assert.equal(generatedVerdict('// This file is auto-generated. Do not edit.\n')?.reason, 'generated');
    assert.equal(generatedVerdict('var a = 1;\n//# sourceMappingURL=a.js.map')?.reason, 'generated');
    assert.equal(generatedVerdict(`var a = "${'x'.repeat(2500)}";\n`)?.reason, 'minified');
    assert.equal(generatedVerdict(Array.from({ length: 30 }, () => 'x'.repeat(300)).join('\n'))?.reason, 'minified');
    assert.equal(generatedVerdict('/******/ (() => {\n/******/ \tvar __webpack_modules__ = {};\n')?.reason, 'generated');
    assert.equal(generatedVerdict('export function f() {\n  return 1;\n}\n'), undefined);
    assert.equal(generatedVerdict("const req = typeof __webpack_require__ === 'function' ? __non_webpack_require__ : require;\n"), undefined);
    assert.equal(generatedVerdict(`${'const x = 1;\n'.repeat(300)}// mentions @generated only far below the header\n`), undefined);
  });

  test('binary files are recognised by a NUL byte', () => {
    assert.equal(binaryReason(Buffer.from('abc\0def')), 'binary');
    assert.equal(binaryReason(Buffer.from('plain text')), undefined);
  });
});

describe('config', () => {
  test('validation names the bad key', () => {
    assert.throws(() => validateConfig({ transform: [] }, 'leakfix.config.json'), /leakfix\.config\.json: unknown key "transform"/);
    assert.throws(() => validateConfig({ include: 'src' }, 'x'), /"include" must be an array of strings/);
    assert.throws(() => validateConfig({ parser: 'coffee' }, 'x'), /"parser" must be one of babel, ts, tsx, flow/);
    assert.throws(() => validateConfig({ options: { t: 1 } }, 'x'), /"options\.t" must be an object/);
    assert.deepEqual(validateConfig({ extensions: 'js, ts', maxSize: '2mb', runtimeImport: '#rt' }, 'x'), { extensions: ['js', 'ts'], maxSize: 2 * 1024 * 1024, runtimeImport: '#rt' });
  });

  test('sizes', () => {
    assert.equal(parseSize('1mb'), 1048576);
    assert.equal(parseSize('500KB'), 512000);
    assert.equal(parseSize('2048'), 2048);
    assert.equal(parseSize('0'), undefined);
    assert.equal(parseSize('lots'), undefined);
  });
});

describe('diffs and writes', () => {
  test('diffs keep CRLF and a missing final newline, and apply back exactly', () => {
    const before = 'a\r\nb\r\nc';
    const after = 'a\r\nB\r\nc';
    const patch = unifiedDiff('dir/x.js', before, after);
    assert.match(patch, /^diff --git a\/dir\/x\.js b\/dir\/x\.js\n--- a\/dir\/x\.js\n\+\+\+ b\/dir\/x\.js\n/);
    assert.equal(applyPatch(before, patch), after);
    assert.match(unifiedDiff("my \"file\".js", "a\n", "b\n"), /^diff --git "a\/my \\"file\\".js" "b\/my \\"file\\".js"\n--- "a\/my \\"file\\".js"\n/);
  });

  test('a file that changed since it was read is not written', () => {
    const dir = sandbox({ 'a.js': 'one\n' });
    const file = path.join(dir, 'a.js');
    const hash = hashBytes(fs.readFileSync(file));
    fs.writeFileSync(file, 'edited meanwhile\n');
    const outcome = writeIfUnchanged(file, 'two\n', hash);
    assert.deepEqual(outcome.ok ? 'written' : outcome.reason, 'changed-since-read');
    assert.equal(fs.readFileSync(file, 'utf8'), 'edited meanwhile\n');
    const fresh = writeIfUnchanged(file, 'three\n', hashBytes(fs.readFileSync(file)));
    assert.equal(fresh.ok, true);
    assert.equal(fs.readFileSync(file, 'utf8'), 'three\n');
    assert.deepEqual(fs.readdirSync(dir), ['a.js']);
  });
});

describe('progress', () => {
  test('drawn only on a terminal outside CI, with counts and ETA, and cleared at the end', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 120, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    assert.equal(progressWanted(tty, {}), true);
    assert.equal(progressWanted(tty, { CI: 'true' }), false);
    assert.equal(progressWanted(pipe, {}), false);
    const bar = new ProgressBar(tty, 'leakfix');
    bar.update({ done: 50, total: 100, changed: 3, failed: 1, elapsedMs: 2000 });
    assert.match(written[0], /^\rleakfix \[=+ +\] 50\/100 files, 3 changed, 1 failed, ETA 2s/);
    bar.clear();
    assert.equal(written[1], '\r\x1b[K');
  });
});
