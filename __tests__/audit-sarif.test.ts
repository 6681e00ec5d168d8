/**
 * `leakfix audit --format sarif` against the SARIF 2.1.0 JSON schema shipped with the tests (see
 * helpers/sarif-schema.ts), plus what GitHub code scanning needs beyond the schema.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { auditRecords, buildAuditReport, createBaseline, formatAudit, FINGERPRINT_KEY, toSarif, type SarifLog } from '../lib/audit';
import { assertCodeScanningReady, assertValidSarif, sarifValidator } from './helpers/sarif-schema';
import { FAKE_RULES, TOOL, finding, record, sampleRecords } from './helpers/audit-records';

function sarifOf(records = sampleRecords(), baseline = false): SarifLog {
  const result = auditRecords(records, {
    rules: FAKE_RULES,
    tool: { ...TOOL, informationUri: 'https://github.com/leakfix/leakfix' },
    baseline: baseline ? createBaseline(buildAuditReport(sampleRecords())) : undefined,
  });
  return JSON.parse(formatAudit(result, 'sarif')) as SarifLog;
}

test('the shipped schema rejects what it should (so validation cannot pass vacuously)', () => {
  const validate = sarifValidator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } } }] }), true);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'red' }] }] }), false);
  assert.equal(validate({ version: '2.0.0', runs: [] }), false);
  const log = sarifOf();
  (log.runs[0].results[0] as unknown as Record<string, unknown>).baselineState = 'maybe';
  assert.equal(validate(log), false);
});

test('sarif: valid SARIF 2.1.0, ready for code scanning', () => {
  const log = sarifOf();
  assertValidSarif(log);
  assertCodeScanningReady(log);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs[0].tool.driver.name, 'leakfix');
});

test('sarif: RED is error, YELLOW warning; GREEN and ignored sites are not results', () => {
  const { results } = sarifOf().runs[0];
  assert.deepEqual(
    results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region?.startLine]),
    [
      ['supervise-intervals/dropped-interval', 'error', 'src/a.ts', 10],
      ['supervise-intervals/dropped-interval', 'warning', 'src/a.ts', 30],
      ['track-async/floating-promise', 'warning', 'src/b.ts', 3],
      ['track-async/floating-promise', 'error', 'src/b.ts', 7],
    ],
  );
  assert.deepEqual(results[0].properties, { grade: 'red', disposition: 'manual', reason: 'handle-escapes' });
  assert.equal(results[0].partialFingerprints[FINGERPRINT_KEY], 'supervise-intervals-dropped-interval-10:src/a.ts');
  assert.match(results[3].message.text, /^RED: fetchAll\(\) is not awaited \(fixable: run `leakfix transform -t track-async`\)$/);
  assert.equal(results[0].baselineState, undefined);
});

test('sarif: every declared pattern is a rule, with help from meta.patterns and meta.reasons', () => {
  const { rules } = sarifOf([]).runs[0].tool.driver;
  assert.deepEqual(rules.map((r) => r.id), ['supervise-intervals/cleared-interval', 'supervise-intervals/dropped-interval', 'track-async/floating-promise']);
  const dropped = rules[1];
  assert.equal(dropped.name, 'SuperviseIntervalsDroppedInterval');
  assert.equal(dropped.fullDescription.text, 'A setInterval whose handle is dropped, so nothing can stop it.');
  assert.match(dropped.help.text, /- handle-escapes: The handle is stored where leakfix cannot follow it\./);
  assert.match(dropped.help.markdown ?? '', /`npx leakfix transform -t supervise-intervals`/);
  assertValidSarif(sarifOf([]));
});

test('sarif: baselineState with a baseline, parse errors as notifications, odd paths encoded', () => {
  const records = sampleRecords();
  records.push(record('src/with space/#x.ts', [finding('track-async', 'floating-promise', 'red', 'fixable', 2, { fingerprint: 'new' })]));
  const log = sarifOf(records, true);
  assertValidSarif(log);
  assertCodeScanningReady(log);
  const [run] = log.runs;
  assert.deepEqual(run.results.map((r) => r.baselineState), ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'new']);
  assert.equal(run.results[4].locations[0].physicalLocation.artifactLocation.uri, 'src/with%20space/%23x.ts');
  assert.equal(run.invocations[0].executionSuccessful, false);
  assert.match(run.invocations[0].toolExecutionNotifications[0].message.text, /^src\/broken\.ts: parse-error: Unexpected token/);
});

test('sarif: a multi-line site and a zero-width site keep valid regions', () => {
  const multi = finding('track-async', 'floating-promise', 'red', 'fixable', 4);
  multi.end = { line: 9, column: 2 };
  const empty = finding('track-async', 'floating-promise', 'red', 'fixable', 12);
  empty.end = { ...empty.start };
  const log = toSarif(auditRecords([record('m.js', [multi, empty])], { rules: FAKE_RULES, tool: TOOL }));
  assertValidSarif(log);
  assert.deepEqual(log.runs[0].results.map((r) => r.locations[0].physicalLocation.region), [
    { startLine: 4, startColumn: 3, endLine: 9, endColumn: 2 },
    { startLine: 12, startColumn: 3, endLine: 12, endColumn: 4 },
  ]);
});
