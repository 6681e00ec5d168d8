/**
 * supervise-intervals: detection on small snippets (one shape each), the rule's meta against what
 * it reports and what the docs say, and the jscodeshift entry point. Rewrites are covered by the
 * fixture pairs; run-time behaviour by supervise-intervals.behaviour.test.ts.
 */
import { describe, it } from 'node:test';
import { POLICY_REASONS } from '../lib/context/policies';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileInfo } from 'jscodeshift';
import { processSource } from '../lib/engine';
import type { Finding } from '../lib/findings';
import transform, { rule } from '../transforms/supervise-intervals';
import { fixtureCases } from './helpers/fixtures';
import { REPO_ROOT } from './helpers/paths';
import { reportingApi, ruleSettings } from './helpers/rule-settings';

function audit(source: string, filePath = 'src/main.ts', options: Record<string, unknown> = {}): Finding[] {
  const outcome = processSource(filePath, source, ruleSettings(rule, 'audit', options));
  assert.notEqual(outcome.status, 'error', outcome.message);
  return outcome.findings;
}

function rewrite(source: string, filePath = 'src/main.ts', options: Record<string, unknown> = {}): string {
  const outcome = processSource(filePath, source, ruleSettings(rule, 'transform', options));
  assert.notEqual(outcome.status, 'error', outcome.message);
  return outcome.output ?? source;
}

function shape(findings: Finding[]): string[] {
  return findings.map((f) => `${f.start.line} ${f.rule} ${f.status}${f.reason ? ` ${f.reason}` : ''} ${f.grade}`);
}

/** One snippet per shape the fixtures do not show, with exactly the findings it must produce. */
const SNIPPETS: Array<{ title: string; code: string; file?: string; expect: string[] }> = [
  {
    title: 'a this.on(cb) callback runs per event: its interval is not supervised',
    code: 'class A {\n  start() {\n    this.on(() => { setInterval(() => this.poll(), 10); });\n  }\n  close() {}\n}\n',
    file: 'src/a.js',
    expect: ['3 interval-dropped-handle refused interval-per-event red'],
  },
  {
    title: 'per event: new CronJob(spec, fn)',
    code: 'new CronJob(\'* * * * *\', () => {\n  setInterval(() => 1, 10);\n});\n',
    file: 'src/a.js',
    expect: ['2 interval-dropped-handle refused interval-per-event red'],
  },
  {
    title: 'per event: a method registered with .bind(this)',
    code: 'class S {\n  start(wss) {\n    wss.on(\'connection\', this.onConn.bind(this));\n  }\n  onConn(client) {\n    setInterval(() => client.ping(), 10);\n  }\n}\n',
    file: 'src/a.js',
    expect: ['6 interval-dropped-handle refused interval-per-event red'],
  },
  {
    title: 'per event: a handler assigned later, and one in an array of handlers',
    code: 'let h;\nh = function () {\n  setInterval(() => 1, 10);\n};\napp.get(\'/z\', h);\nconst w = function () {\n  setInterval(() => 2, 10);\n};\napp.get(\'/w\', [auth, w]);\n',
    file: 'src/a.js',
    expect: ['3 interval-dropped-handle refused interval-per-event red', '7 interval-dropped-handle refused interval-per-event red'],
  },
  {
    title: 'per event: an exported handler with request parameters, and a wrapper passed to a route',
    code: 'export default function handler(req, res) {\n  setInterval(() => res.write(\'.\'), 10);\n}\napp.get(\'/a\', asyncHandler(async () => {\n  setInterval(() => 1, 10);\n}));\n',
    file: 'src/a.js',
    expect: ['2 interval-dropped-handle refused interval-per-event red', '5 interval-dropped-handle refused interval-per-event red'],
  },
  {
    title: "per event: redis.on('ready') fires again on every reconnect",
    code: 'redis.on(\'ready\', () => {\n  setInterval(() => 1, 10);\n});\n',
    file: 'src/a.js',
    expect: ['2 interval-dropped-handle refused interval-per-event red'],
  },
  {
    title: "once: once(), on('listening'), whenReady().then, new Promise, an IIFE, main(cb), db.connect(cb), Array.from, forEach, module.exports = (app) => and $(document).ready",
    code: 'emitter.once(\'open\', () => { setInterval(() => 1, 10); });\nserver.on(\'listening\', () => { setInterval(() => 2, 10); });\napp.whenReady().then(() => { setInterval(() => 3, 10); });\nnew Promise(() => { setInterval(() => 4, 10); });\n(() => { setInterval(() => 5, 10); })();\nmain(() => { setInterval(() => 6, 10); });\ndb.connect(() => { setInterval(() => 7, 10); });\nArray.from(xs, () => { setInterval(() => 8, 10); });\nxs.forEach(() => { setInterval(() => 9, 10); });\nmodule.exports = (app) => { setInterval(() => 10, 10); };\n$(document).ready(() => { setInterval(() => 11, 10); });\n',
    file: 'src/a.js',
    expect: ['1 interval-dropped-handle fixable red', '2 interval-dropped-handle fixable red', '3 interval-dropped-handle fixable red', '4 interval-dropped-handle fixable red', '5 interval-dropped-handle fixable red', '6 interval-dropped-handle fixable red', '7 interval-dropped-handle fixable red', '8 interval-dropped-handle fixable red', '9 interval-dropped-handle fixable red', '10 interval-dropped-handle fixable red', '11 interval-dropped-handle fixable red'],
  },
  {
    title: 'a handle assigned twice in its function is not provably bare',
    code: 'let t = setInterval(() => 1, 10);\nt = setInterval(() => 2, 10);\n',
    expect: ['1 interval-handle-read refused handle-reassigned yellow', '2 interval-handle-read refused handle-reassigned yellow'],
  },
  {
    title: 'a handle compared is read',
    code: 'const t = setInterval(() => 1, 10);\nif (t) console.log(1);\n',
    expect: ['1 interval-handle-read refused handle-read yellow'],
  },
  {
    title: 'a handle tested and cleared is managed; one that flows on through `||` is read',
    code: 'const a = setInterval(() => 1, 10);\nif (a) clearInterval(a);\nconst b = setInterval(() => 2, 10);\nconst c = b || 0;\nclearInterval(b);\n',
    expect: ['1 interval-managed ok green', '3 interval-handle-read refused handle-read yellow'],
  },
  {
    title: 'a disposal method a subclass calls mid-life is skipped for the next one; a field-initialiser interval has no restart',
    code: 'class A {\n  timer = setInterval(() => this.tick(), 10);\n  tick() {}\n  stop() {}\n  dispose() {}\n}\nclass B extends A {\n  pause() {\n    this.stop();\n  }\n}\nclass C {\n  start = () => {\n    setInterval(() => this.tick(), 10);\n  };\n  tick() {}\n  restart() {\n    this.stop();\n    this.start();\n  }\n  stop() {}\n}\n',
    file: 'src/a.js',
    expect: ['2 interval-property-no-disposal fixable red', '14 interval-dropped-handle fixable red'],
  },
  {
    title: 'setInterval without a delay',
    code: 'setInterval(() => 1);\n',
    expect: ['1 interval-dropped-handle refused no-delay red'],
  },
  {
    title: 'a var delay may be read before its value is set; a cycle of consts proves nothing',
    code: 'setInterval(() => 1, MS);\nvar MS = 1000;\nconst A = B, B = A;\nsetInterval(() => 2, A);\n',
    file: 'src/main.js',
    expect: ['1 interval-dropped-handle refused delay-not-numeric yellow', '4 interval-dropped-handle refused delay-not-numeric yellow'],
  },
  {
    title: 'a handle on another object is reported, or managed when this file clears it',
    code: 'const a = {}, b = {};\na.timer = setInterval(() => 1, 10);\nb.timer = setInterval(() => 1, 10);\nclearInterval(b.timer);\n',
    expect: ['2 interval-property-no-disposal refused property-handle-no-owner red', '3 interval-managed ok green'],
  },
  {
    title: 'a computed callback is not re-evaluated on every run',
    code: 'declare function makeTick(): () => void;\nsetInterval(makeTick(), 10);\n',
    expect: ['2 interval-dropped-handle refused callback-not-analyzable red'],
  },
  {
    title: 'an undeclared global callback may change',
    code: 'setInterval(tick, 10);\n',
    file: 'src/main.js',
    expect: ['1 interval-dropped-handle refused unstable-callback red'],
  },
  {
    title: 'a concise effect returns the handle',
    code: "import { useEffect } from 'react';\nexport function A() {\n  useEffect(() => setInterval(() => 1, 10), []);\n  return null;\n}\n",
    file: 'src/a.jsx',
    expect: ['3 interval-dropped-handle refused effect-returns-non-function red'],
  },
  {
    title: 'a shadowed clearInterval blocks the effect fix',
    code: "import { useEffect } from 'react';\nimport { clearInterval } from './fake';\nexport function A() {\n  useEffect(() => {\n    setInterval(() => 1, 10);\n  }, []);\n  return null;\n}\n",
    file: 'src/a.jsx',
    expect: ['5 interval-dropped-handle refused shadowed red'],
  },
  {
    title: 'intervals in a loop or a callback of a class with close() are supervised (one field holds one handle)',
    code: 'class A {\n  start(xs) {\n    for (const x of xs) setInterval(() => x.poll(), 10);\n    this.ready.then(() => { setInterval(() => this.poll(), 10); });\n  }\n  close() {}\n}\n',
    file: 'src/a.js',
    expect: ['3 interval-dropped-handle fixable red', '4 interval-dropped-handle fixable red'],
  },
  {
    title: 'a field initialiser handle is wired into the disposal method',
    code: 'class A {\n  timer = setInterval(() => this.tick(), 10);\n  tick() {}\n  async shutdown() {}\n}\n',
    file: 'src/a.js',
    expect: ['2 interval-property-no-disposal fixable red'],
  },
  {
    title: 'a disposal method that calls a method which clears counts as clearing',
    code: 'class A {\n  start() { this.t = setInterval(() => 1, 10); }\n  pause() { clearInterval(this.t); }\n  close() { this.pause(); }\n}\n',
    file: 'src/a.js',
    expect: ['2 interval-managed ok green'],
  },
  {
    title: 'a property cleared only outside a disposal method, in a class without one, is YELLOW',
    code: 'class A {\n  start() { this.t = setInterval(() => 1, 10); }\n  pause() { clearInterval(this.t); }\n}\n',
    file: 'src/a.js',
    expect: ['2 interval-property-no-disposal refused no-disposal-method yellow'],
  },
  {
    title: 'a local only ever cleared (in finally) is managed',
    code: 'export async function run(work: () => Promise<void>) {\n  const t = setInterval(() => console.log("alive"), 10);\n  try {\n    await work();\n  } finally {\n    clearInterval(t);\n  }\n}\n',
    expect: ['2 interval-managed ok green'],
  },
  {
    title: 'a guarded async callback on a managed interval is not reported; a .catch() one neither',
    code: 'class A {\n  start() {\n    this.a = setInterval(async () => { try { await this.x(); } catch {} }, 10);\n    this.b = setInterval(async () => { await this.x().catch(() => {}); }, 10);\n  }\n  async x() {}\n  close() { clearInterval(this.a); clearInterval(this.b); }\n}\n',
    file: 'src/a.js',
    expect: ['3 interval-managed ok green', '4 interval-managed ok green'],
  },
  {
    title: 'a managed interval whose callback calls an unguarded async method is reported',
    code: 'class A {\n  start() {\n    this.a = setInterval(() => this.refresh(), 10);\n  }\n  async refresh() { await fetch("x"); }\n  close() { clearInterval(this.a); }\n}\n',
    file: 'src/a.js',
    expect: ['3 interval-managed ok green', '3 interval-async-unhandled refused async-callback-unhandled yellow'],
  },
  {
    title: 'a typed signal that is not an AbortSignal is not passed',
    code: 'export function f(signal: string) {\n  setInterval(() => console.log(signal), 10);\n}\n',
    expect: ['2 interval-dropped-handle fixable red'],
  },
  {
    title: 'a parameter is not a function of this file: calling it from a managed interval is not an unhandled async callback',
    code: 'export async function f(handle: (m: string) => void, work: () => Promise<void>) {\n  const t = setInterval(() => handle("ping"), 1000);\n  await work();\n  clearInterval(t);\n}\n',
    expect: ['2 interval-managed ok green'],
  },
  {
    title: 'a parameter passed to setTimeout is not a self-rescheduling loop',
    code: 'export function later(run: () => void, ms: number) {\n  setTimeout(run, ms);\n}\n',
    expect: [],
  },
  {
    title: 'self-rescheduling setTimeout loops: named function expression, arrow in a const, function in a const',
    code: 'setTimeout(function tick() {\n  work();\n  setTimeout(tick, 100);\n}, 100);\nconst poll = () => {\n  work();\n  setTimeout(poll, 100);\n};\nconst beat = async function () {\n  await work();\n  setTimeout(beat, 100);\n};\nasync function work() {}\n',
    file: 'src/a.js',
    expect: [
      '3 timeout-loop refused timeout-loop-not-rewritten yellow',
      '7 timeout-loop refused timeout-loop-not-rewritten yellow',
      '11 timeout-loop refused timeout-loop-not-rewritten yellow',
    ],
  },
  {
    title: "the runtime's supervise is GREEN however it is imported: named, aliased, namespace",
    code: "import { supervise, supervise as sv } from '@leakfix/runtime';\nimport * as lf from '@leakfix/runtime';\nsupervise('a', () => 1, { everyMs: 10 });\nsv('b', () => 1, { everyMs: 10 });\nlf.supervise('c', () => 1, { everyMs: 10 });\n",
    expect: ['3 interval-supervised ok green', '4 interval-supervised ok green', '5 interval-supervised ok green'],
  },
  {
    title: "the runtime's supervise is GREEN however it is required: destructured, aliased, the module object, a property",
    code: "const { supervise, supervise: sv } = require('@leakfix/runtime');\nconst lf = require('@leakfix/runtime');\nconst direct = require('@leakfix/runtime').supervise;\nsupervise('a', () => 1, { everyMs: 10 });\nsv('b', () => 1, { everyMs: 10 });\nlf.supervise('c', () => 1, { everyMs: 10 });\ndirect('d', () => 1, { everyMs: 10 });\n",
    file: 'src/a.js',
    expect: ['4 interval-supervised ok green', '5 interval-supervised ok green', '6 interval-supervised ok green', '7 interval-supervised ok green'],
  },
  {
    title: 'a supervise that is not the runtime\'s (another module, a parameter, a type-only import) is not a site',
    code: "import { supervise } from './my-supervisor';\nimport type * as rt from '@leakfix/runtime';\nsupervise('a', () => 1, { everyMs: 10 });\nexport function f(lf: typeof rt) {\n  lf.supervise('b', () => 1, { everyMs: 10 });\n}\n",
    expect: [],
  },
  {
    title: 'suppression with leakfix-ignore',
    code: '// leakfix-ignore\nsetInterval(() => 1, 10);\n',
    expect: ['2 interval-dropped-handle ignored leakfix-ignore red'],
  },
];

describe('supervise-intervals: detection', () => {
  for (const { title, code, file, expect } of SNIPPETS) {
    it(title, () => {
      assert.deepEqual(shape(audit(code, file)), expect);
    });
  }

  it('does not pass a signal that is not an AbortSignal, and passes one declared before the call', () => {
    assert.doesNotMatch(rewrite('export function f(signal: string) {\n  setInterval(() => console.log(signal), 10);\n}\n'), /everyMs: 10, signal/);
    assert.match(rewrite('const { signal } = new AbortController();\nsetInterval(() => 1, 10);\n'), /everyMs: 10, signal }/);
    assert.doesNotMatch(rewrite('setInterval(() => 1, 10);\nconst { signal } = new AbortController();\n'), /everyMs: 10, signal/);
  });

  it('clears a field-initialiser handle in dispose() when a subclass calls stop() mid-life; an arrow-field start() restarted after stop() is cleared in stop()', () => {
    const out = rewrite(SNIPPETS.find((s) => s.title.startsWith('a disposal method a subclass'))!.code, 'src/a.js');
    assert.match(out, /stop\(\) \{\}\n  dispose\(\) \{\n    clearInterval\(this\.timer\);/);
    assert.match(out, /restart\(\) \{\n    this\.stop\(\);\n    this\.start\(\);\n  \}\n  stop\(\) \{\n    clearInterval\(this\.tickTimer\);/);
  });

  it('wires a handle into a disposal method written as an arrow-function field', () => {
    const out = rewrite('class A {\n  start() {\n    setInterval(() => this.poll(), 10);\n  }\n  poll() {}\n  close = () => {\n    this.poll();\n  };\n}\n', 'src/a.js');
    assert.match(out, /this\.pollTimer = setInterval\(\(\) => this\.poll\(\), 10\);/);
    assert.match(out, /close = \(\) => \{\n\s+clearInterval\(this\.pollTimer\);\n\s+this\.poll\(\);/);
  });

  it('keeps the other declarators of a declaration (such a handle is supervised, not moved onto the instance)', () => {
    const out = rewrite('class A {\n  go() {\n    const a = setInterval(() => 1, 10), b = 2;\n    return b;\n  }\n  close() {}\n}\n', 'src/a.js');
    assert.match(out, /const a = supervise\('A\.go', \(\) => 1, \{ everyMs: 10 \}\), b = 2;/);
  });

  it('keeps a bind(this) callback of a method without parameters as it is', () => {
    const out = rewrite('class A {\n  start() {\n    setInterval(this.tick.bind(this), 10);\n  }\n  tick() {}\n}\n', 'src/a.js');
    assert.match(out, /supervise\('tick', this\.tick\.bind\(this\), \{ everyMs: 10 \}\)/);
  });

  it('refuses a non-numeric delay of an unref()ed interval only where superviseUnref would supervise it', () => {
    const code = 'export function start(ms) {\n  setInterval(() => 1, ms).unref();\n}\n';
    assert.deepEqual(shape(audit(code, 'src/main.js')), ['2 interval-process-lifetime ok green']);
    assert.deepEqual(shape(audit(code, 'src/main.js', { superviseUnref: true })), ['2 interval-process-lifetime refused delay-not-numeric yellow']);
  });

  it('grades supervise() from the configured runtime specifier only', () => {
    const code = "import { supervise } from '@acme/jobs';\nimport * as lf from '@leakfix/runtime';\nsupervise('a', () => 1, { everyMs: 10 });\nlf.supervise('b', () => 1, { everyMs: 10 });\n";
    const outcome = processSource('src/main.ts', code, { rules: [rule], mode: 'audit', runtimeImport: '@acme/jobs' });
    assert.deepEqual(shape(outcome.findings), ['3 interval-supervised ok green']);
  });

  it('leaves test files alone unless includeTests is set', () => {
    assert.deepEqual(audit('setInterval(() => 1, 10);\n', 'src/__tests__/a.ts'), []);
    assert.equal(audit('setInterval(() => 1, 10);\n', 'src/a.spec.ts', { includeTests: true }).length, 1);
  });
});

describe('supervise-intervals: meta', () => {
  const fixtureFindings = fixtureCases(rule.meta.name).flatMap((c) => audit(c.input, c.filePath, c.options));
  const snippetFindings = SNIPPETS.flatMap((s) => audit(s.code, s.file));
  const all = [...fixtureFindings, ...snippetFindings];

  it('every reported pattern and reason is declared in meta', () => {
    for (const f of all) {
      assert.ok(f.rule in rule.meta.patterns, `undeclared pattern ${f.rule}`);
      // File-context reasons (lib/context/policies) are declared once for every transform.
      if (f.reason && f.reason !== 'leakfix-ignore') assert.ok(f.reason in rule.meta.reasons || f.reason in POLICY_REASONS, `undeclared reason ${f.reason}`);
    }
  });

  it('every declared pattern and reason is exercised by a fixture or a snippet', () => {
    const patterns = new Set(all.map((f) => f.rule));
    const reasons = new Set(all.map((f) => f.reason));
    assert.deepEqual(Object.keys(rule.meta.patterns).filter((p) => !patterns.has(p)), []);
    // test-file: the engine skips such files before detection; the fixture test-file-skipped shows it.
    assert.deepEqual(Object.keys(rule.meta.reasons).filter((r) => !reasons.has(r) && r !== 'test-file'), []);
  });

  it('the docs list every pattern, reason and option', () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs/transforms/supervise-intervals.md'), 'utf8');
    for (const id of [...Object.keys(rule.meta.patterns), ...Object.keys(rule.meta.reasons), ...Object.keys(rule.meta.options), 'includeTests']) {
      assert.ok(docs.includes(`\`${id}\``), `docs/transforms/supervise-intervals.md does not mention \`${id}\``);
    }
  });

  it('managed sites are GREEN and never fixable', () => {
    const managed = all.filter((f) => f.rule === 'interval-managed');
    assert.ok(managed.length >= 5);
    for (const f of managed) assert.deepEqual([f.status, f.grade], ['ok', 'green']);
  });
});

describe('supervise-intervals: jscodeshift entry point', () => {
  it('rewrites a file and reports refusals through api.report', () => {
    const reports: string[] = [];
    const api = reportingApi(reports);
    const file: FileInfo = { path: 'src/jobs.ts', source: "setInterval(() => console.log('x'), 10);\nexport const h = setInterval(() => 1, 10);\n" };
    const out = transform(file, api, {});
    assert.match(out ?? '', /^import \{ supervise \} from '@leakfix\/runtime';/);
    assert.match(out ?? '', /supervise\('interval', \(\) => console\.log\('x'\), \{ everyMs: 10 \}\);/);
    assert.equal(reports.length, 1);
    assert.match(reports[0], /interval-handle-escapes: left unchanged \(handle-escapes\)/);
  });

  it('reads string[] and boolean options as jscodeshift passes them', () => {
    const api = reportingApi();
    const source = 'setInterval(() => 1, 10).unref();\nclass A {\n  start() {\n    const t = setInterval(() => 2, 10);\n  }\n  teardown() {}\n}\n';
    const out = transform({ path: 'src/a.js', source }, api, { disposalMethods: 'teardown', superviseUnref: 'true' }) ?? '';
    assert.match(out, /teardown\(\) \{\n\s+clearInterval\(this\.t\);/);
    assert.match(out, /supervise\('interval', \(\) => 1, \{ everyMs: 10, unref: true \}\)/);
  });
});
