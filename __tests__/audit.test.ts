/**
 * `leakfix audit` as pure functions, on hand-made FileRecords: grading totals, the gate and its
 * exit codes, baselines, and each output format.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  auditRecords,
  buildAuditReport,
  createBaseline,
  escapeData,
  escapeProperty,
  evaluateGate,
  formatAudit,
  parseBaseline,
  serializeBaseline,
  BaselineError,
  type AuditResult,
  type FailOn,
  type Baseline,
} from '../lib/audit';
import type { FileRecord } from '../lib/runner/records';
import { FAKE_RULES, TOOL, finding, record, sampleRecords } from './helpers/audit-records';

function audit(records: FileRecord[], options: { failOn?: FailOn; baseline?: Baseline } = {}): AuditResult {
  return auditRecords(records, { rules: FAKE_RULES, tool: TOOL, ...options });
}

test('totals by grade, disposition, pattern and reason', () => {
  const report = buildAuditReport(sampleRecords());
  assert.equal(report.totals.files, 5);
  assert.equal(report.totals.filesWithSites, 3);
  assert.equal(report.totals.sites, 7);
  assert.deepEqual(report.totals.grades, { red: 3, yellow: 2, green: 2 });
  assert.deepEqual(report.totals.dispositions, { fixable: 2, manual: 2, managed: 2, ignored: 1 });
  assert.deepEqual(report.totals.reasons, { 'handle-escapes': 1, 'result-used-later': 1 });
  assert.deepEqual(
    report.patterns.map((p) => [p.id, p.total, p.grades.red, p.grades.yellow, p.grades.green, p.dispositions.fixable, p.dispositions.manual]),
    [
      ['supervise-intervals/cleared-interval', 1, 0, 0, 1, 0, 0],
      ['supervise-intervals/dropped-interval', 3, 2, 1, 0, 1, 1],
      ['track-async/floating-promise', 3, 1, 1, 1, 1, 1],
    ],
  );
  assert.deepEqual(report.errors, [{ path: 'src/broken.ts', reason: 'parse-error', message: 'Unexpected token (2:5)' }]);
});

test('sites are sorted by path then position, whatever order the workers finished in', () => {
  const report = buildAuditReport(sampleRecords().reverse());
  assert.deepEqual(
    report.sites.map((s) => `${s.path}:${s.line}`),
    ['src/a.ts:10', 'src/a.ts:20', 'src/a.ts:30', 'src/a.ts:40', 'src/b.ts:3', 'src/b.ts:7', 'src/c.ts:1'],
  );
  const manual = report.sites.find((s) => s.line === 10);
  assert.equal(manual?.disposition, 'manual');
  assert.equal(manual?.reason, 'handle-escapes');
});

test('fixed findings (after a transform run) count as fixable', () => {
  const report = buildAuditReport([record('x.ts', [finding('track-async', 'floating-promise', 'red', 'fixed', 1)])]);
  assert.equal(report.sites[0].disposition, 'fixable');
});

test('exit codes: 0 without --fail-on, 1 when the threshold is met, 2 when files failed', () => {
  const clean = sampleRecords().filter((r) => r.status !== 'error');
  assert.equal(audit(clean).exitCode, 0);
  assert.equal(audit(sampleRecords()).exitCode, 2, 'a parse error makes the inventory incomplete');
  assert.equal(audit(clean, { failOn: 'red' }).exitCode, 1);
  assert.equal(audit(sampleRecords(), { failOn: 'red' }).exitCode, 1, 'a failed gate wins over parse errors');

  const yellowOnly = [record('y.ts', [finding('track-async', 'floating-promise', 'yellow', 'fixable', 1)])];
  assert.equal(audit(yellowOnly, { failOn: 'red' }).exitCode, 0);
  assert.equal(audit(yellowOnly, { failOn: 'yellow' }).exitCode, 1);

  const ignoredAndGreen = [
    record('z.ts', [finding('track-async', 'floating-promise', 'red', 'ignored', 1, { reason: 'leakfix-ignore' }), finding('track-async', 'floating-promise', 'green', 'ok', 2)]),
  ];
  assert.equal(audit(ignoredAndGreen, { failOn: 'yellow' }).exitCode, 0, 'ignored and GREEN sites never fail a gate');
});

test('baseline: records open sites only, round-trips, and an unchanged repo passes', () => {
  const report = buildAuditReport(sampleRecords());
  const baseline = createBaseline(report);
  assert.deepEqual(
    baseline.findings.map((f) => `${f.path} ${f.pattern} ${f.grade}`),
    ['src/a.ts dropped-interval red', 'src/a.ts dropped-interval yellow', 'src/b.ts floating-promise yellow', 'src/b.ts floating-promise red'],
  );
  const text = serializeBaseline(baseline);
  assert.deepEqual(parseBaseline(text), baseline);
  assert.equal(serializeBaseline(parseBaseline(text)), text, 'stable text, so re-writing it makes no diff');

  const result = audit(sampleRecords().filter((r) => r.status !== 'error'), { failOn: 'yellow', baseline: parseBaseline(text) });
  assert.equal(result.exitCode, 0);
  assert.equal(result.gate.newSites.length, 0);
  assert.equal(result.gate.baselinedSites.length, 4);
  assert.equal(result.gate.stale.length, 0);
});

test('baseline: a new leak fails, a fixed one leaves a stale entry, a worse grade is new', () => {
  const baseline = createBaseline(buildAuditReport(sampleRecords()));
  const records = sampleRecords().filter((r) => r.status !== 'error');
  records[0].findings.push(finding('track-async', 'floating-promise', 'red', 'fixable', 50, { fingerprint: 'brand-new' }));
  records[1].findings.splice(0, 1); // the RED at line 10 of a.ts was fixed
  const result = audit(records, { failOn: 'red', baseline });
  assert.equal(result.exitCode, 1);
  assert.deepEqual(result.gate.failing.map((s) => s.fingerprint), ['brand-new']);
  assert.deepEqual(result.gate.stale.map((e) => e.fingerprint), ['supervise-intervals-dropped-interval-10']);

  const worse = sampleRecords().filter((r) => r.status !== 'error');
  worse[0].findings[1].grade = 'red'; // the accepted YELLOW in b.ts is now RED
  const regressed = audit(worse, { failOn: 'red', baseline });
  assert.deepEqual(regressed.gate.failing.map((s) => `${s.path}:${s.line}`), ['src/b.ts:3']);
});

test('baseline: matches by path and fingerprint, not by line; each entry accepts one site', () => {
  const baseline = createBaseline(buildAuditReport([record('m.ts', [finding('track-async', 'floating-promise', 'red', 'fixable', 5, { fingerprint: 'fp' })])]));
  const shifted = [record('m.ts', [finding('track-async', 'floating-promise', 'red', 'fixable', 95, { fingerprint: 'fp' })])];
  assert.equal(audit(shifted, { failOn: 'red', baseline }).exitCode, 0);
  const moved = [record('n.ts', [finding('track-async', 'floating-promise', 'red', 'fixable', 5, { fingerprint: 'fp' })])];
  assert.equal(audit(moved, { failOn: 'red', baseline }).exitCode, 1, 'another file is another site');
  const twice = [record('m.ts', [finding('track-async', 'floating-promise', 'red', 'fixable', 5, { fingerprint: 'fp' }), finding('track-async', 'floating-promise', 'red', 'fixable', 9, { fingerprint: 'fp' })])];
  assert.equal(evaluateGate(buildAuditReport(twice), { failOn: 'red', baseline }).failing.length, 1);
});

test('parseBaseline rejects what is not a leakfix baseline', () => {
  assert.throws(() => parseBaseline('{'), BaselineError);
  assert.throws(() => parseBaseline('{"findings": []}'), /not a leakfix baseline/);
  assert.throws(() => parseBaseline('{"tool":"leakfix","version":7,"findings":[]}'), /version 7/);
  assert.throws(() => parseBaseline('{"tool":"leakfix","version":1,"findings":[{"path":"a"}]}'), /findings\[0\]/);
});

test('terminal: grouped by file, then totals by grade, disposition and pattern, no colour when not asked', () => {
  const out = formatAudit(audit(sampleRecords()), 'terminal', { color: false });
  assert.doesNotMatch(out, /\u001b\[/);
  const lines = out.split('\n');
  const fileHeaders = lines.filter((l) => /^src\//.test(l));
  assert.deepEqual(fileHeaders, ['src/a.ts', 'src/b.ts', 'src/c.ts']);
  assert.match(out, /^ {2}10:3 +RED +supervise-intervals\/dropped-interval +manual \(handle-escapes\) +dropped-interval at line 10$/m);
  assert.match(out, /^ {2}7:3 +RED +track-async\/floating-promise +fixable +fetchAll\(\) is not awaited$/m);
  assert.match(out, /^ {2}20:3 +GREEN +supervise-intervals\/cleared-interval +managed/m);
  assert.match(out, /^7 lifecycle sites in 3 of 5 files$/m);
  assert.match(out, /^ {2}RED 3 {3}YELLOW 2 {3}GREEN 2$/m);
  assert.match(out, /^ {2}fixable 2 {3}manual 2 {3}managed 2 {3}ignored 1$/m);
  assert.match(out, /^ {2}2 of 5 RED\/YELLOW sites are fixable/m);
  assert.match(out, /^ {2}supervise-intervals\/dropped-interval +2 +1 +0 +1 +1 +1$/m);
  assert.match(out, /src\/broken\.ts {2}parse-error {2}Unexpected token/);
  assert.match(formatAudit(audit(sampleRecords()), 'terminal', { color: true }), /\u001b\[31mRED/);
});

test('terminal: baseline and gate verdict', () => {
  const baseline = createBaseline(buildAuditReport(sampleRecords()));
  const records = sampleRecords();
  records[0].findings.push(finding('track-async', 'floating-promise', 'red', 'fixable', 60, { fingerprint: 'new-one' }));
  const out = formatAudit(audit(records, { failOn: 'red', baseline }), 'terminal');
  assert.match(out, /^Baseline: 4 accepted, 1 new$/m);
  assert.match(out, /^Gate failed: 1 new RED finding$/m);
  assert.match(out, /60:3 .* new$/m);
  assert.match(out, /10:3 .* baselined$/m);
});

test('json: totals, sorted sites, errors and gate', () => {
  const baseline = createBaseline(buildAuditReport(sampleRecords()));
  const parsed = JSON.parse(formatAudit(audit(sampleRecords(), { failOn: 'red', baseline }), 'json')) as {
    reportVersion: number;
    totals: { sites: number; grades: Record<string, number> };
    sites: Array<{ path: string; line: number; grade: string; disposition: string; baseline?: string; fingerprint: string }>;
    errors: unknown[];
    gate: { passed: boolean; new: number; baselined: number; failOn: string };
  };
  assert.equal(parsed.reportVersion, 1);
  assert.equal(parsed.totals.sites, 7);
  assert.deepEqual(parsed.totals.grades, { red: 3, yellow: 2, green: 2 });
  assert.equal(parsed.sites.length, 7);
  assert.deepEqual(parsed.sites[0], {
    path: 'src/a.ts',
    transform: 'supervise-intervals',
    pattern: 'dropped-interval',
    grade: 'red',
    disposition: 'manual',
    reason: 'handle-escapes',
    message: 'dropped-interval at line 10',
    line: 10,
    column: 3,
    endLine: 10,
    endColumn: 23,
    fingerprint: 'supervise-intervals-dropped-interval-10',
    baseline: 'unchanged',
  });
  assert.equal(parsed.sites.find((s) => s.grade === 'green')?.baseline, undefined, 'GREEN sites are not baselined');
  assert.equal(parsed.errors.length, 1);
  assert.deepEqual(parsed.gate, { failOn: 'red', passed: true, new: 0, baselined: 4, failing: [], stale: [] });
});

test('markdown: summary table, pattern table, a section per pattern with reasons explained', () => {
  const out = formatAudit(audit(sampleRecords()), 'markdown');
  assert.match(out, /^# leakfix audit$/m);
  assert.match(out, /^\| RED \| 3 \| 1 \| 1 \| 0 \| 1 \|$/m);
  assert.match(out, /^\| YELLOW \| 2 \| 1 \| 1 \| 0 \| 0 \|$/m);
  assert.match(out, /^\| GREEN \| 2 \| 0 \| 0 \| 2 \| 0 \|$/m);
  assert.match(out, /^\| \*\*Total\*\* \| \*\*7\*\* \| \*\*2\*\* \| \*\*2\*\* \| \*\*2\*\* \| \*\*1\*\* \|$/m);
  assert.match(out, /^\| \[`track-async\/floating-promise`\]\(#track-asyncfloating-promise\) \| 1 \| 1 \| 1 \| 1 \| 1 \| 0 \|$/m);
  const sections = out.split('\n').filter((l) => l.startsWith('## `'));
  assert.deepEqual(sections, ['## `supervise-intervals/cleared-interval`', '## `supervise-intervals/dropped-interval`', '## `track-async/floating-promise`']);
  assert.match(out, /A setInterval whose handle is dropped, so nothing can stop it\./);
  assert.match(out, /^\| `src\/b\.ts:3:3` \| YELLOW \| manual \(result-used-later\) \| floating-promise at line 3 \|$/m);
  assert.match(out, /^- `result-used-later` \(1\): The promise is used later \| so tracking/m);
  assert.match(out, /^## Not audited\n\n- `src\/broken\.ts`: parse-error: Unexpected token/m);
});

test('github: error and warning annotations for open sites, escaped, and a summary notice', () => {
  const records = sampleRecords();
  records[0].findings[0].message = 'line one\nline 100%, done';
  const out = formatAudit(audit(records), 'github');
  const lines = out.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split(' ')[0]),
    ['::error', '::warning', '::warning', '::error', '::error', '::notice'],
  );
  assert.equal(
    lines[0],
    '::error file=src/a.ts,line=10,col=3,endLine=10,endColumn=23,title=leakfix RED supervise-intervals/dropped-interval::dropped-interval at line 10 (manual (handle-escapes): The handle is stored where leakfix cannot follow it.)',
  );
  assert.match(out, /::error file=src\/b\.ts,line=7,.*::line one%0Aline 100%25, done \(fixable: run `leakfix transform -t track-async`\)/);
  assert.match(lines[4], /^::error file=src\/broken\.ts,title=leakfix parse-error::Unexpected token/);
  assert.match(lines[5], /^::notice title=leakfix audit::7 lifecycle sites: RED 3, YELLOW 2, GREEN 2; 2 fixable, 2 manual$/);
  assert.equal(escapeProperty('a:b,c%'), 'a%3Ab%2Cc%25');
  assert.equal(escapeData('a\r\nb'), 'a%0D%0Ab');
});

test('github: with a baseline only new sites are annotated', () => {
  const baseline = createBaseline(buildAuditReport(sampleRecords()));
  const records = sampleRecords().filter((r) => r.status !== 'error');
  records[2].findings.push(finding('track-async', 'floating-promise', 'yellow', 'fixable', 9, { fingerprint: 'fresh' }));
  const lines = formatAudit(audit(records, { baseline, failOn: 'yellow' }), 'github').trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^::warning file=src\/c\.ts,line=9,/);
  assert.match(lines[1], /1 new since the baseline; gate failed \(1 new at --fail-on yellow\)$/);
});
