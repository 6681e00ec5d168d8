/**
 * The `leakfix audit` command end to end (runner in audit mode, grading, gate, baseline file,
 * outputs), on temporary repositories and a toy rule, so it does not depend on what the real
 * detectors report today. The real transforms are covered by audit-repos.test.ts.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditCommand, type AuditCommandOptions, type AuditCommandResult } from '../lib/audit/command';
import { parseBaseline, type SarifLog } from '../lib/audit';
import { run } from '../index';
import { TOY_RULE } from './helpers/audit-records';
import { assertCodeScanningReady, assertValidSarif } from './helpers/sarif-schema';
import { removeSandboxes, sandbox } from './transforms/sandbox';

after(removeSandboxes);

interface Captured extends AuditCommandResult {
  stdout: string;
  stderr: string;
}

async function audit(cwd: string, options: Partial<AuditCommandOptions> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const result = await auditCommand({
    cwd,
    rules: [TOY_RULE],
    config: false,
    jobs: 0,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...options,
  });
  return { ...result, stdout, stderr };
}

const POLLER = `export function start() {
  leak();
  const handle = leak();
  return handle;
}

export function stop() {
  managedLeak();
}
`;

const WORKER = `export async function work() {
  leak();
}
`;

test('terminal report of a repository, exit 0 without --fail-on', async () => {
  const dir = sandbox({ 'src/poller.js': POLLER, 'src/worker.js': WORKER, 'src/plain.js': 'export const x = 1;\n' });
  const result = await audit(dir);
  assert.equal(result.exitCode, 0);
  assert.equal(result.format, 'terminal');
  assert.deepEqual(result.audit.report.totals.grades, { red: 2, yellow: 1, green: 1 });
  assert.deepEqual(result.audit.report.totals.dispositions, { fixable: 2, manual: 1, managed: 1, ignored: 0 });
  assert.match(result.stdout, /^src\/poller\.js\n {2}2:3 +RED +toy\/dropped-leak +fixable +leak\(\) result is dropped$/m);
  assert.match(result.stdout, /^ {2}3:18 +YELLOW +toy\/stored-leak +manual \(stored\)/m);
  assert.match(result.stdout, /^4 lifecycle sites in 2 of 3 files$/m);
  assert.doesNotMatch(result.stdout, /\u001b\[/, 'no colours when stdout is not a TTY');
  assert.equal(fs.readFileSync(path.join(dir, 'src/poller.js'), 'utf8'), POLLER, 'audit never writes');
});

test('--fail-on: red fails on RED, yellow also on YELLOW; ignored sites never fail', async () => {
  const dir = sandbox({ 'a.js': 'leak();\n', 'b.js': 'const h = leak();\n' });
  assert.equal((await audit(dir, { failOn: 'red' })).exitCode, 1);
  assert.equal((await audit(dir, { failOn: 'red', paths: ['b.js'] })).exitCode, 0);
  assert.equal((await audit(dir, { failOn: 'yellow', paths: ['b.js'] })).exitCode, 1);
  fs.writeFileSync(path.join(dir, 'a.js'), '// leakfix-ignore\nleak();\n');
  const ignored = await audit(dir, { failOn: 'red', paths: ['a.js'] });
  assert.equal(ignored.audit.report.totals.dispositions.ignored, 1);
  assert.equal(ignored.exitCode, 0);
});

test('a file that does not parse: exit 2, listed as not audited; a failed gate still exits 1', async () => {
  const dir = sandbox({ 'ok.js': 'leak();\n', 'broken.js': 'leak(;\n' });
  const result = await audit(dir);
  assert.equal(result.exitCode, 2);
  assert.match(result.stdout, /1 file could not be audited\n {2}broken\.js {2}parse-error/);
  assert.equal((await audit(dir, { failOn: 'red' })).exitCode, 1);
});

test('usage errors are UsageErrors (exit 3)', async () => {
  const dir = sandbox({ 'a.js': 'leak();\n' });
  await assert.rejects(audit(dir, { format: 'xml' }), { name: 'UsageError', exitCode: 3, message: /unknown --format "xml"/ });
  await assert.rejects(audit(dir, { failOn: 'green' }), { name: 'UsageError', message: /unknown --fail-on "green"/ });
  await assert.rejects(audit(dir, { updateBaseline: true }), { name: 'UsageError', message: /--update-baseline needs --baseline/ });
  await assert.rejects(audit(dir, { baseline: 'missing.json' }), { name: 'UsageError', message: /baseline not found: missing\.json/ });
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"tool":"other"}');
  await assert.rejects(audit(dir, { baseline: 'bad.json' }), { name: 'UsageError', message: /bad\.json: not a leakfix baseline/ });
});

test('baseline: an unchanged repo passes, a line shift still matches, a new leak fails', async () => {
  const dir = sandbox({ 'src/poller.js': POLLER, 'src/worker.js': WORKER });
  const written = await audit(dir, { baseline: '.leakfix/baseline.json', updateBaseline: true, failOn: 'yellow' });
  assert.equal(written.exitCode, 0, 'everything open was just accepted');
  assert.deepEqual(written.baselineWritten, { path: '.leakfix/baseline.json', entries: 3 });
  assert.match(written.stderr, /Baseline written: 3 accepted findings in \.leakfix\/baseline\.json/);
  const baselineText = fs.readFileSync(path.join(dir, '.leakfix/baseline.json'), 'utf8');
  assert.equal(parseBaseline(baselineText).findings.length, 3);
  assert.doesNotMatch(baselineText, /"line"/, 'no line numbers in the baseline');

  const unchanged = await audit(dir, { baseline: '.leakfix/baseline.json', failOn: 'yellow' });
  assert.equal(unchanged.exitCode, 0);
  assert.match(unchanged.stdout, /^Baseline: 3 accepted, 0 new$/m);

  // Blank lines and a new, clean function above every site: lines move, fingerprints do not.
  fs.writeFileSync(path.join(dir, 'src/poller.js'), `\n\n\nexport function helper() {\n  return 1;\n}\n${POLLER}`);
  fs.writeFileSync(path.join(dir, 'src/worker.js'), `// a comment\n\n${WORKER}`);
  const shifted = await audit(dir, { baseline: '.leakfix/baseline.json', failOn: 'yellow' });
  assert.deepEqual(shifted.audit.report.sites.filter((s) => s.grade !== 'green').map((s) => `${s.path}:${s.line}`), ['src/poller.js:8', 'src/poller.js:9', 'src/worker.js:4']);
  assert.equal(shifted.exitCode, 0);
  assert.equal(shifted.audit.gate.newSites.length, 0);

  // A new leak in an existing function and one in a new file: both new, the gate fails on them only.
  fs.writeFileSync(path.join(dir, 'src/worker.js'), `// a comment\n\n${WORKER.replace('  leak();\n', '  leak();\n  await other();\n  leak(1);\n')}`);
  fs.writeFileSync(path.join(dir, 'src/new.js'), 'leak();\n');
  const grown = await audit(dir, { baseline: '.leakfix/baseline.json', failOn: 'red', format: 'github' });
  assert.equal(grown.exitCode, 1);
  assert.deepEqual(grown.audit.gate.failing.map((s) => `${s.path}:${s.line}`), ['src/new.js:1', 'src/worker.js:6']);
  assert.deepEqual(grown.stdout.split('\n').filter((l) => l.startsWith('::error')).map((l) => /file=([^,]+),line=(\d+)/.exec(l)?.slice(1).join(':')), ['src/new.js:1', 'src/worker.js:6']);
});

test('baseline: a fixed leak leaves a stale entry; --update-baseline prunes it and keeps what is out of scope', async () => {
  const dir = sandbox({ 'a.js': 'leak();\n', 'b.js': 'leak();\n', 'c.js': 'leak();\n' });
  await audit(dir, { baseline: 'baseline.json', updateBaseline: true });
  fs.writeFileSync(path.join(dir, 'a.js'), 'managedLeak();\n');
  const fixed = await audit(dir, { baseline: 'baseline.json', failOn: 'red' });
  assert.equal(fixed.exitCode, 0);
  assert.deepEqual(fixed.audit.gate.stale.map((e) => e.path), ['a.js']);
  assert.match(fixed.stdout, /^Baseline: 2 accepted, 0 new, 1 baseline entry no longer found$/m);

  // A partial run (only b.js) sees no stale entry for files it did not audit, and updating keeps them.
  fs.writeFileSync(path.join(dir, 'b.js'), 'leak();\nleak(2);\n');
  const partial = await audit(dir, { baseline: 'baseline.json', paths: ['b.js'], updateBaseline: true });
  assert.deepEqual(partial.audit.gate.stale, []);
  assert.deepEqual(parseBaseline(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8')).findings.map((e) => e.path), ['a.js', 'b.js', 'b.js', 'c.js']);

  // A deleted file's entries go on the next update; a full update drops the fixed one.
  fs.rmSync(path.join(dir, 'c.js'));
  await audit(dir, { baseline: 'baseline.json', updateBaseline: true });
  assert.deepEqual(parseBaseline(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8')).findings.map((e) => e.path), ['b.js', 'b.js']);
});

test('--output writes the report to a file; sarif from a real run is valid and ready for code scanning', async () => {
  const dir = sandbox({ 'src/poller.js': POLLER, 'src/worker.js': WORKER, 'src/broken.js': 'leak(;\n' });
  const result = await audit(dir, { format: 'sarif', output: 'reports/leakfix.sarif' });
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /Audit report \(sarif\) written to reports\/leakfix\.sarif/);
  const log = JSON.parse(fs.readFileSync(path.join(dir, 'reports/leakfix.sarif'), 'utf8')) as SarifLog;
  assertValidSarif(log);
  assertCodeScanningReady(log);
  assert.deepEqual(log.runs[0].tool.driver.rules.map((r) => r.id), ['toy/dropped-leak', 'toy/managed-leak', 'toy/stored-leak']);
  assert.deepEqual(log.runs[0].results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri]), [
    ['toy/dropped-leak', 'error', 'src/poller.js'],
    ['toy/stored-leak', 'warning', 'src/poller.js'],
    ['toy/dropped-leak', 'error', 'src/worker.js'],
  ]);
  assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
  assert.match(log.runs[0].tool.driver.version, /^\d+\.\d+\.\d+/);
});

test('after transform, every fixable site grades GREEN and manual ones keep their reason', async () => {
  const dir = sandbox({ 'src/poller.js': POLLER, 'src/worker.js': WORKER });
  const before = await audit(dir);
  const transformed = await run({ cwd: dir, rules: [TOY_RULE], config: false, jobs: 0, allowDirty: true });
  assert.equal(transformed.summary.changed, 2);
  const after = await audit(dir);
  assert.equal(after.audit.report.totals.dispositions.fixable, 0);
  assert.equal(after.audit.report.totals.grades.green, before.audit.report.totals.grades.green + before.audit.report.totals.dispositions.fixable);
  const manual = (r: Captured): string[] => r.audit.report.sites.filter((s) => s.disposition === 'manual').map((s) => `${s.path} ${s.pattern} ${s.reason} ${s.fingerprint}`);
  assert.deepEqual(manual(after), manual(before));
});

test('the leakfix CLI wires audit flags and exit codes', async () => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('./helpers/paths');
  const dir = sandbox({ 'src/poll.js': 'export function start() {\n  setInterval(() => poll(), 1000);\n}\n' });
  const cli = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const result = spawnSync(process.execPath, [CLI, 'audit', '--no-config', '-j', '0', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const plain = cli();
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /RED +supervise-intervals\/interval-dropped-handle +fixable/);
  assert.equal(cli('--fail-on', 'red').code, 1);
  assert.equal(cli('--fail-on', 'purple').code, 3);
  assert.equal(cli('--baseline', 'nope.json').code, 3);
  const update = cli('--baseline', 'b.json', '--update-baseline', '--fail-on', 'red', '-q');
  assert.equal(update.code, 0, update.stderr);
  const gated = cli('--baseline', 'b.json', '--fail-on', 'red');
  assert.equal(gated.code, 0, gated.stderr + gated.stdout);
  const sarif = cli('--format', 'sarif', '-o', 'out/leakfix.sarif');
  assert.equal(sarif.code, 0, sarif.stderr);
  assertValidSarif(JSON.parse(fs.readFileSync(path.join(dir, 'out/leakfix.sarif'), 'utf8')));
  assert.match(cli('--format', 'github').stdout, /^::error file=src\/poll\.js,line=2,col=3,/m);
  assert.match(cli('--format', 'markdown').stdout, /^# leakfix audit$/m);
});

test('programmatic audit() from the package entry grades without printing', async () => {
  const api = await import('../index');
  const dir = sandbox({ 'a.js': 'leak();\nconst h = leak();\n' });
  const result = await api.audit({ cwd: dir, rules: [TOY_RULE], config: false, jobs: 0, failOn: 'yellow' });
  assert.deepEqual(result.report.totals.grades, { red: 1, yellow: 1, green: 0 });
  assert.equal(result.exitCode, 1);
  assert.equal(result.run.mode, 'audit');
  assert.match(api.formatAudit(result, 'markdown'), /^\| RED \| 1 \| 1 \| 0 \| 0 \| 0 \|$/m);
  await assert.rejects(api.audit({ cwd: dir, rules: [TOY_RULE], config: false, baseline: 'none.json' }), /baseline not found/);
});
