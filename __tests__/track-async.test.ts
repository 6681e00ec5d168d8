/**
 * track-async beyond the fixture pairs: the rule's contract (every emitted pattern and reason is
 * declared, and every declared one is exercised), audit/transform agreement, the prefilter in
 * both modes, one TypeScript Program per tsconfig, typed rewrites that still type-check, and the
 * jscodeshift entry point.
 */
import { describe, it, before } from 'node:test';
import { POLICY_REASONS } from '../lib/context/policies';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileInfo } from 'jscodeshift';
import { DEFAULT_RUNTIME_IMPORT, processSource, type EngineSettings, type FileOutcome } from '../lib/engine';
import { RuleContext, RuleOptions, SharedAnalysis, optionSpecs, type LeakRule } from '../lib/rule';
import { parseForDetection, parserForFile } from '../lib/parsers';
import type { ScopeAnalysis } from '../lib/analysis/scope';
import transform, { rule } from '../transforms/track-async';
import { clearTypedCache, injectCheckerFailures, typedFile, typedProgramStats } from '../lib/analysis/typed';
import { fixtureCases, fixtureContext, type FixtureCase } from './helpers/fixtures';
import { FIXTURES, REPO_ROOT } from './helpers/paths';
import { reportingApi, ruleSettings } from './helpers/rule-settings';

function settings(options: Record<string, unknown> = {}, mode: 'transform' | 'audit' = 'transform'): EngineSettings {
  return ruleSettings(rule, mode, options);
}

function runFixture(fixture: FixtureCase, mode: 'transform' | 'audit' = 'transform'): FileOutcome {
  return processSource(fixture.filePath, fixture.input, settings(fixture.options, mode), fixtureContext(fixture));
}

const TYPED_PROJECT = path.join(FIXTURES, 'track-async', 'typed-project');

describe('track-async: rule contract', () => {
  const cases = fixtureCases('track-async');

  it('has at least 25 fixture pairs, typed ones included', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} fixtures`);
    assert.ok(cases.filter((c) => c.options.typed === true).length >= 3);
  });

  it('declares every pattern and reason its findings use, and every declared one is exercised', () => {
    const patterns = new Set<string>();
    const reasons = new Set<string>();
    for (const fixture of cases) {
      for (const finding of runFixture(fixture, 'audit').findings) {
        assert.ok(finding.rule in rule.meta.patterns, `${fixture.name}: undeclared pattern ${finding.rule}`);
        patterns.add(finding.rule);
        if (finding.reason !== undefined) {
          // File-context reasons (lib/context/policies) are declared once for every transform.
          if (finding.reason in POLICY_REASONS) continue;
          assert.ok(finding.reason in rule.meta.reasons, `${fixture.name}: undeclared reason ${finding.reason}`);
          reasons.add(finding.reason);
        }
      }
    }
    assert.deepEqual([...patterns].sort(), Object.keys(rule.meta.patterns).sort());
    assert.deepEqual([...reasons].sort(), Object.keys(rule.meta.reasons).sort());
  });

  it('reports in audit exactly what transform fixes or refuses', () => {
    for (const fixture of cases) {
      const audit = runFixture(fixture, 'audit').findings.map((f) => ({ ...f, status: f.status === 'fixable' ? 'fixed' : f.status }));
      // `usesRuntime` says what a written fix imports: only a transform run knows it.
      const transformed = runFixture(fixture).findings.map(({ usesRuntime: _usesRuntime, ...f }) => f);
      assert.deepEqual(audit, transformed, fixture.name);
    }
  });

  it('gives awaited calls no site at all', () => {
    const outcome = processSource('src/a.js', 'async function f() {}\nexport async function g() { await f(); const x = await f(); return f(); }\n', settings({}, 'audit'));
    assert.deepEqual(outcome.findings, []);
  });
});

describe('track-async: prefilter', () => {
  const importedOnly = "import { save } from './db';\nexport function onClick() {\n  save();\n}\n";

  it('skips files with nothing promise-like in untyped mode', () => {
    const outcome = processSource('src/a.js', importedOnly, settings());
    assert.equal(outcome.parsed, false);
  });

  it('looks at files that only call imported functions in typed mode', () => {
    const outcome = processSource(path.join(TYPED_PROJECT, 'src', 'prefilter.ts'), importedOnly, settings({ typed: true }, 'audit'));
    assert.equal(outcome.parsed, true);
  });

  it('ignores void, async as a property, module or part of a name, and Promise in types', () => {
    const sources = [
      'export function f(): void {\n  const x = void 0;\n  g(x);\n}\n',
      "const async = require('async');\nasync.each(items, visit, done);\nrun({ async: true, isAsync: false });\n",
      'export interface Store {\n  load(): Promise<string>;\n}\nexport function make(): Store | undefined {\n  return undefined;\n}\n',
      '// we then fetch the rest\nsave(); then(); caught = x.catch;\n',
      "// asynchronous iteration\nconst async_1 = require('./async');\nconst it = items[Symbol.asyncIterator]();\nasync_1.run(it);\n",
    ];
    for (const source of sources) assert.equal(processSource('src/a.ts', source, settings()).parsed, false, source);
  });

  it('matches every fixture file (of every transform) where the rule finds a site', () => {
    const everywhere: LeakRule = { ...rule, meta: { ...rule.meta, prefilter: /(?:)/, prefilterFor: undefined } };
    const files: Array<{ name: string; filePath: string; text: string; options: Record<string, unknown> }> = [];
    for (const transform of fs.readdirSync(FIXTURES)) {
      for (const fixture of fixtureCases(transform)) {
        const options = transform === 'track-async' ? fixture.options : {};
        files.push({ name: fixture.inputPath, filePath: fixture.filePath, text: fixture.input, options });
        if (fixture.output !== fixture.input) files.push({ name: fixture.outputPath, filePath: fixture.filePath, text: fixture.output, options });
      }
    }
    let withSites = 0;
    for (const file of files) {
      const options = { ...file.options, includeTests: true };
      const outcome = processSource(file.filePath, file.text, { ...settings(options, 'audit'), rules: [everywhere] });
      if (outcome.findings.length === 0) continue;
      withSites++;
      const prefilter = rule.meta.prefilterFor!(new RuleOptions(optionSpecs(rule.meta), options));
      assert.ok(prefilter.test(file.text.replace(/^\uFEFF?#!.*/, '')), `${file.name} has track-async sites, but the prefilter misses it`);
    }
    assert.ok(withSites >= 60, `only ${withSites} files with sites`);
  });

  it('widens for a configured tracker', () => {
    const source = "import { load } from './load';\njobs.add(load(), 'load');\n";
    assert.equal(processSource('src/a.js', source, settings()).parsed, false);
    const outcome = processSource('src/a.js', source, settings({ tracker: 'jobs.add' }, 'audit'));
    assert.deepEqual(outcome.findings.map((f) => `${f.rule} ${f.status}`), ['promise-tracked ok']);
  });

  it('widens for configured promise modules', () => {
    const source = "import { query } from 'my-db';\nquery('x');\n";
    assert.equal(processSource('src/a.js', source, settings()).parsed, false);
    const outcome = processSource('src/a.js', source, settings({ promiseModules: ['my-db'] }));
    assert.equal(outcome.status, 'changed');
    assert.match(outcome.output!, /track\(query\('x'\), 'query'\)/);
  });
});

/** A context that counts how often the rule asks for scope analysis (the costly part of detection). */
class ScopeCountingContext extends RuleContext {
  scopeReads = 0;
  override get scope(): ScopeAnalysis {
    this.scopeReads++;
    return super.scope;
  }
}

function detectCountingScope(source: string, filePath = 'src/a.ts'): { scopeReads: number; sites: string[] } {
  const parser = parserForFile(filePath, source);
  const file = parseForDetection(source, parser);
  const ctx = new ScopeCountingContext({
    file,
    source,
    filePath,
    parser,
    options: new RuleOptions(optionSpecs(rule.meta), {}),
    runtimeImport: DEFAULT_RUNTIME_IMPORT,
    mode: 'detect',
    shared: new SharedAnalysis(file),
  });
  const sites = rule.detect(ctx).map((site) => `${site.rule} ${site.status}`);
  return { scopeReads: ctx.scopeReads, sites };
}

describe('track-async: detection cost', () => {
  it('builds no scope analysis when no statement can be a floating promise', () => {
    const source = [
      'export async function load(): Promise<void> {}',
      'export class Store {',
      '  async save(): Promise<void> {}',
      '  run(items: string[]): void {',
      '    this.flush();',
      '    other.load();',
      '    helper(items);',
      '    setup();',
      '    api.get().catch(report);',
      '    x = void 0;',
      '    emitter.on("x", () => log());',
      '  }',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(detectCountingScope(source), { scopeReads: 0, sites: ['promise-caught ok'] });
  });

  it('resolves names once a call could be a local async function', () => {
    const { scopeReads, sites } = detectCountingScope('async function load(): Promise<void> {}\nexport function start(): void {\n  load();\n}\n');
    assert.ok(scopeReads > 0);
    assert.deepEqual(sites, ['floating-promise fixable']);
  });

  it('looks up fs bindings only when the file names its promises namespace', () => {
    const sync = "const fs = require('fs');\nconst { readFile } = fs;\nexport function f(): void {\n  fs.mkdirSync('a');\n  readFile('b', done);\n}\n";
    assert.deepEqual(detectCountingScope(sync), { scopeReads: 0, sites: [] });
    const { scopeReads, sites } = detectCountingScope(sync.replace("fs.mkdirSync('a')", "fs.promises.mkdir('a')"));
    assert.ok(scopeReads > 0);
    assert.deepEqual(sites, ['floating-promise fixable']);
  });

  it('still resolves a shadowing binding once the name is a candidate', () => {
    const source = 'async function load(): Promise<void> {}\nexport function start(load: () => void): void {\n  load();\n}\n';
    assert.deepEqual(detectCountingScope(source).sites, []);
  });
});

describe('track-async: typed mode', () => {
  before(() => clearTypedCache());

  it('builds one Program per tsconfig, however many files and edits it sees', () => {
    const typed = fixtureCases('track-async').filter((c) => c.options.typed === true && c.filePath.startsWith(TYPED_PROJECT));
    assert.ok(typed.length >= 3);
    for (const fixture of typed) runFixture(fixture);
    for (const fixture of typed) runFixture(fixture, 'audit');
    assert.equal(typedProgramStats().programs, 1);
  });

  it('uses the cached Program as is for a file on disk with a shebang (no derived Program)', () => {
    clearTypedCache();
    const file = path.join(TYPED_PROJECT, 'src', 'cli.ts');
    // The shebang makes it an entry point, whose top-level promises are left alone: this test is
    // about the typed Program, so it runs the file as application code.
    const context = { role: 'application', roleEvidence: 'test', moduleKind: 'esm', moduleEvidence: 'test', environment: 'unknown', environmentEvidence: 'test' } as const;
    const outcome = processSource(file, fs.readFileSync(file, 'utf8'), settings({ typed: true }), context);
    assert.equal(outcome.status, 'changed');
    assert.ok(outcome.output!.startsWith('#!/usr/bin/env node\n'));
    assert.match(outcome.output!, /track\(saveUser\("cli"\), "saveUser"\)/);
    const stats = typedProgramStats();
    assert.deepEqual({ programs: stats.programs, overlays: stats.overlays }, { programs: 1, overlays: 0 });
  });

  it('maps recast\'s copy of a tab-indented, CRLF file onto the Program instead of deriving one', () => {
    clearTypedCache();
    const file = path.join(TYPED_PROJECT, 'src', 'cli.ts');
    // Analysed text = the file on disk with tabs for indentation and CRLF line ends: the fix pass
    // sees recast's copy (spaces, LF), which must still be answered by the base Program.
    const onDisk = fs.readFileSync(file, 'utf8');
    const relaid = typedFile(file, onDisk.replace(/^#!.*\n/, '').replace(/\n/g, '\r\n').replace(/^ {2}/gm, '\t'));
    assert.equal(relaid.available, true);
    assert.equal(typedProgramStats().overlays, 0);
    const edited = typedFile(file, onDisk.replace(/^#!.*\n/, '') + '\nexport const extra = 1;\n');
    assert.equal(edited.available, true);
    assert.equal(typedProgramStats().overlays, 1, 'a text that differs in more than layout from the file on disk needs a derived Program');
    const aligned = typedFile(file, onDisk.replace(/^#!.*\n/, '').replace(/^ {2}/gm, '    '));
    assert.equal(aligned.available, true);
    assert.equal(typedProgramStats().overlays, 1);
    const source = onDisk.replace(/^#!.*\n/, '').replace(/^ {2}/gm, '    ');
    const start = source.indexOf('saveUser("cli")');
    assert.equal(aligned.available && aligned.verdictAt(start, start + 'saveUser("cli")'.length), 'promise');
  });

  it('falls back to the untyped answer for a statement the checker fails on', () => {
    clearTypedCache();
    const file = path.join(TYPED_PROJECT, 'src', 'fallback.ts');
    const source = "import { saveUser } from './api';\nasync function local(): Promise<void> {}\nexport function go(): void {\n  local();\n  saveUser('x');\n}\n";
    processSource(file, 'export {};\n', settings({ typed: true }, 'audit'));
    injectCheckerFailures(1);
    const outcome = processSource(file, source, settings({ typed: true }, 'audit'));
    assert.equal(typedProgramStats().checkerFailures, 1);
    // local() is certain by syntax, so the failed question falls back to that; saveUser('x') is only known through the checker.
    assert.deepEqual(outcome.findings.map((f) => `${f.rule} ${f.status} ${f.start.line}`), ['floating-promise fixable 4', 'floating-promise fixable 5']);
  });

  it('finds a promise returned by an imported function when the file text is the one on disk', () => {
    const file = path.join(TYPED_PROJECT, 'src', 'api.ts');
    const source = fs.readFileSync(file, 'utf8') + '\nexport function kick(): void {\n  loadConfig();\n}\n';
    const outcome = processSource(file, source, settings({ typed: true }));
    assert.equal(outcome.status, 'changed');
    assert.match(outcome.output!, /track\(loadConfig\(\), 'kick:loadConfig'\)/);
  });

  it('rewrites typed fixtures into code that tsc --noEmit accepts', () => {
    const dir = path.join(REPO_ROOT, '.cache', 'track-async-typecheck', String(process.pid));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(TYPED_PROJECT, dir, { recursive: true });
    const typed = fixtureCases('track-async').filter((c) => c.options.typed === true && c.filePath.startsWith(TYPED_PROJECT));
    assert.ok(typed.filter((c) => c.output !== c.input).length >= 5);
    for (const fixture of typed) fs.writeFileSync(path.join(dir, path.relative(TYPED_PROJECT, fixture.filePath)), fixture.output);
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    // The check can fail: a rewrite that does not type-check is reported.
    fs.writeFileSync(path.join(dir, 'src', 'broken.ts'), "import { track } from '@leakfix/runtime';\ntrack(1 as unknown as number, 'x');\n");
    const broken = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8' });
    assert.notEqual(broken.status, 0);
  });

  it('analyses without types and reports nothing about it per site when no tsconfig is found', () => {
    const source = 'async function f() {}\nf();\n';
    const outcome = processSource('/leakfix-no-such-dir/a.ts', source, settings({ typed: true }));
    assert.deepEqual(outcome.findings.map((f) => f.rule), ['floating-promise']);
    assert.equal(outcome.status, 'changed');
    assert.match(rule.prepare!.file('/leakfix-no-such-dir/a.ts', new RuleOptions(optionSpecs(rule.meta), { typed: true })).notice ?? '', /typed mode unavailable \(no tsconfig\.json/);
  });
});

describe('track-async: typed mode with a broken tsconfig', () => {
  it('falls back to untyped analysis; the notice names the tsconfig', () => {
    const dir = path.join(REPO_ROOT, '.cache', 'track-async-broken-tsconfig', String(process.pid));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "target": ');
    const outcome = processSource(path.join(dir, 'a.ts'), 'async function f() {}\nf();\n', settings({ typed: true }));
    assert.equal(outcome.status, 'changed');
    const notice = rule.prepare!.file(path.join(dir, 'a.ts'), new RuleOptions(optionSpecs(rule.meta), { typed: true })).notice;
    assert.match(notice ?? '', /tsconfig\.json/);
  });
});

describe('track-async: files TypeScript accepts parse', () => {
  it('parses const declarations without initializer in declaration files, and duplicate parameters in sloppy code', () => {
    const dts = processSource('src/types.d.ts', 'export const version: string;\ndeclare const build: number;\nexport function load(): Promise<void>;\n', settings({}, 'audit'));
    assert.notEqual(dts.status, 'error', dts.message);
    const sloppy = processSource('src/legacy.js', 'async function save(a, a) {}\nfunction go() {\n  save(1, 2);\n}\nmodule.exports = go;\n', settings());
    assert.equal(sloppy.status, 'changed', sloppy.message);
  });
});

describe('track-async: jscodeshift entry point', () => {
  it('runs as a jscodeshift transform, options as strings included', () => {
    const reports: string[] = [];
    const api = reportingApi(reports);
    const file: FileInfo = { path: 'src/a.js', source: 'async function f() {}\nf();\nxs.map(async () => {});\n' };
    const output = transform(file, api, { tracker: 'tasks.track' });
    assert.equal(output, 'async function f() {}\ntasks.track(f(), \'f\');\nxs.map(async () => {});\n');
    assert.equal(reports.length, 1);
    assert.match(reports[0], /async-map-statement/);
  });
});
