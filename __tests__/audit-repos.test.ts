/**
 * `leakfix audit` with the real transforms on the fixture repositories in
 * __tests__/fixtures-audit/ (copied to a temporary folder first): exact counts per grade and
 * pattern, the report formats on real findings, `transform` then `audit` (fixable sites turn
 * GREEN, manual ones keep their reason), and baselines whose fingerprints survive line shifts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditCommand, type AuditCommandOptions, type AuditCommandResult } from '../lib/audit/command';
import type { AuditReport, AuditSite, SarifLog } from '../lib/audit';
import { run } from '../index';
import { RULES } from '../transforms';
import { REPO_ROOT } from './helpers/paths';
import { assertCodeScanningReady, assertValidSarif } from './helpers/sarif-schema';

const FIXTURE_REPOS = path.join(REPO_ROOT, '__tests__', 'fixtures-audit');

function copyRepo(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `leakfix-audit-${name}-`));
  fs.cpSync(path.join(FIXTURE_REPOS, name), dir, { recursive: true });
  return dir;
}

async function audit(cwd: string, options: Partial<AuditCommandOptions> = {}): Promise<AuditCommandResult & { stdout: string }> {
  let stdout = '';
  const result = await auditCommand({
    cwd,
    registry: RULES,
    config: false,
    jobs: 0,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    ...options,
  });
  return { ...result, stdout };
}

async function transform(cwd: string): Promise<void> {
  const result = await run({ cwd, config: false, jobs: 0, allowDirty: true });
  assert.equal(result.summary.failed, 0, JSON.stringify(result.records.filter((r) => r.status === 'error')));
}

/** pattern id → [RED, YELLOW, GREEN, fixable, manual, ignored] */
type PatternTable = Record<string, [number, number, number, number, number, number]>;

function patternTable(report: AuditReport): PatternTable {
  const table: PatternTable = {};
  for (const p of report.patterns) {
    table[p.id] = [p.grades.red, p.grades.yellow, p.grades.green, p.dispositions.fixable, p.dispositions.manual, p.dispositions.ignored];
  }
  return table;
}

const SERVICE: PatternTable = {
  'break-to-return/loop-exit-ok': [0, 0, 1, 0, 0, 0],
  'break-to-return/sentinel-break-other-exit': [0, 1, 0, 0, 1, 0],
  'break-to-return/switch-break-in-endless-loop': [1, 0, 0, 1, 0, 0],
  // consumer.ts's heartbeat and metrics.ts's sampler are setInterval handles: supervise-intervals
  // grades them (interval-managed). fetch-with-timeout.ts's controller is only aborted from the
  // timer's callback (the abort-on-timeout idiom): not a resource site.
  'cleanup-to-finally/cleanup-in-finally': [0, 0, 1, 0, 0, 0],
  'cleanup-to-finally/cleanup-not-on-throw-path': [0, 2, 0, 2, 0, 0],
  'cleanup-to-finally/cleanup-some-paths': [0, 1, 0, 0, 1, 0],
  'supervise-intervals/interval-dropped-handle': [1, 0, 0, 1, 0, 0],
  'supervise-intervals/interval-managed': [0, 0, 2, 0, 0, 0],
  // metrics.ts's `.unref()`ed heartbeat: process-lifetime by design, GREEN.
  'supervise-intervals/interval-process-lifetime': [0, 0, 1, 0, 0, 0],
  'supervise-intervals/interval-property-no-disposal': [1, 0, 0, 1, 0, 0],
  'supervise-intervals/timeout-loop': [0, 1, 0, 0, 1, 0],
  'track-async/async-map-statement': [1, 0, 0, 0, 1, 0],
  'track-async/floating-promise': [2, 0, 0, 1, 0, 1],
  'track-async/promise-caught': [0, 0, 1, 0, 0, 0],
  'track-async/promise-voided': [0, 1, 0, 0, 1, 0],
};

// Ticker.tsx's effect interval `id` is supervise-intervals' (interval-managed), not cleanup-to-finally's.
const WEBAPP: PatternTable = {
  'supervise-intervals/interval-dropped-handle': [2, 0, 0, 1, 1, 0],
  'supervise-intervals/interval-managed': [0, 0, 2, 0, 0, 0],
  // React code runs in a page: tracking needs the runtime, which browser code refuses (runtime-in-browser).
  'track-async/floating-promise': [2, 0, 0, 0, 2, 0],
};

test('service repository: exact counts per grade, disposition, pattern and reason', async () => {
  const { audit: result, exitCode } = await audit(copyRepo('service'));
  const { report } = result;
  assert.equal(exitCode, 0);
  assert.equal(report.totals.files, 8);
  assert.equal(report.totals.filesWithSites, 7);
  assert.deepEqual(report.totals.grades, { red: 6, yellow: 6, green: 6 });
  assert.deepEqual(report.totals.dispositions, { fixable: 6, manual: 5, managed: 6, ignored: 1 });
  assert.deepEqual(report.totals.reasons, {
    'async-callbacks-dropped': 1,
    'cleanup-arguments-differ': 1,
    'explicit-void': 1,
    'loop-has-other-exit': 1,
    'timeout-loop-not-rewritten': 1,
  });
  assert.deepEqual(patternTable(report), SERVICE);
  assert.deepEqual(report.errors, []);
});

test('webapp repository (tsx, jsx, hooks, class components): exact counts', async () => {
  const { audit: result } = await audit(copyRepo('webapp'));
  const { report } = result;
  assert.equal(report.totals.files, 4);
  assert.deepEqual(report.totals.grades, { red: 4, yellow: 0, green: 2 });
  assert.deepEqual(report.totals.dispositions, { fixable: 1, manual: 3, managed: 2, ignored: 0 });
  assert.deepEqual(report.totals.reasons, { 'render-body': 1, 'runtime-in-browser': 2 });
  assert.deepEqual(patternTable(report), WEBAPP);
});

test('every format renders the real inventory; SARIF validates and holds RED/YELLOW only', async () => {
  const dir = copyRepo('service');
  const sarif = await audit(dir, { format: 'sarif' });
  const log = JSON.parse(sarif.stdout) as SarifLog;
  assertValidSarif(log);
  assertCodeScanningReady(log);
  const results = log.runs[0].results;
  assert.equal(results.length, 11, 'RED 6 + YELLOW 6, less the leakfix-ignore\'d RED');
  assert.equal(results.filter((r) => r.level === 'error').length, 5);
  assert.equal(results.filter((r) => r.level === 'warning').length, 6);
  const declared = log.runs[0].tool.driver.rules.map((r) => r.id);
  for (const id of Object.keys(SERVICE)) assert.ok(declared.includes(id), `${id} is a declared rule`);

  const markdown = (await audit(dir, { format: 'markdown' })).stdout;
  assert.match(markdown, /^\| \*\*Total\*\* \| \*\*18\*\* \| \*\*6\*\* \| \*\*5\*\* \| \*\*6\*\* \| \*\*1\*\* \|$/m);
  assert.equal(markdown.split('\n').filter((l) => l.startsWith('## `')).length, Object.keys(SERVICE).length);

  const github = (await audit(dir, { format: 'github' })).stdout.trimEnd().split('\n');
  assert.equal(github.filter((l) => l.startsWith('::error ')).length, 5);
  assert.equal(github.filter((l) => l.startsWith('::warning ')).length, 6);

  const json = JSON.parse((await audit(dir, { format: 'json' })).stdout) as { sites: AuditSite[] };
  assert.equal(json.sites.length, 18);
  assert.equal(new Set(json.sites.map((s) => `${s.path}|${s.fingerprint}`)).size, 18, 'fingerprints are unique within a file');
});

test('--fail-on on a real repository: red fails, and so does yellow', async () => {
  const dir = copyRepo('webapp');
  assert.equal((await audit(dir, { failOn: 'red' })).exitCode, 1);
  assert.equal((await audit(dir, { failOn: 'yellow', paths: ['src/components/Poller.jsx'] })).exitCode, 0);
});

/** Sites whose grade or presence does not follow "fixed → GREEN" today; see the report to the lead. */
const KNOWN_GAPS = {
  // None: supervise-intervals grades the runtime's `supervise(...)` calls GREEN
  // (interval-supervised), so the fixed interval-dropped-handle of src/metrics.ts turns GREEN.
  serviceMissingGreen: [] as string[],
  // None: the effect cleanup supervise-intervals writes (`return () => clearInterval(intervalId)`)
  // holds a setInterval handle, which only supervise-intervals grades.
  webappNewManual: [] as string[],
};

function byFile(report: AuditReport, pick: (s: AuditSite) => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const site of report.sites.filter(pick)) counts.set(site.path, (counts.get(site.path) ?? 0) + 1);
  return counts;
}

function manualKeys(report: AuditReport): string[] {
  return report.sites.filter((s) => s.disposition === 'manual').map((s) => `${s.path} ${s.transform}/${s.pattern} ${s.reason}`).sort();
}

for (const name of ['service', 'webapp'] as const) {
  test(`${name}: after leakfix transform, fixable sites grade GREEN and manual ones keep their reason`, async () => {
    const dir = copyRepo(name);
    const before = (await audit(dir)).audit.report;
    await transform(dir);
    const after = (await audit(dir)).audit.report;

    assert.equal(after.totals.dispositions.fixable, 0, 'nothing left to fix');
    assert.equal(after.totals.dispositions.ignored, before.totals.dispositions.ignored);

    // Per file: every fixed site is now a GREEN site (same count of GREEN sites plus the fixes).
    const greenBefore = byFile(before, (s) => s.grade === 'green');
    const fixedBefore = byFile(before, (s) => s.disposition === 'fixable');
    const greenAfter = byFile(after, (s) => s.grade === 'green');
    const short: string[] = [];
    for (const [file, fixed] of fixedBefore) {
      const expected = (greenBefore.get(file) ?? 0) + fixed;
      if ((greenAfter.get(file) ?? 0) !== expected) short.push(file);
    }
    assert.deepEqual(short, name === 'service' ? KNOWN_GAPS.serviceMissingGreen : [], 'files whose fixed sites did not all turn GREEN');

    // Manual sites keep their reason (and their fingerprint: the code around them changed, they did not).
    const manualBefore = manualKeys(before);
    const manualAfter = manualKeys(after);
    for (const key of manualBefore) assert.ok(manualAfter.includes(key), `still manual: ${key}`);
    const added = manualAfter.filter((key) => !manualBefore.includes(key));
    assert.deepEqual(added, name === 'webapp' ? KNOWN_GAPS.webappNewManual : [], 'manual sites the transform created');
    const fingerprints = new Set(after.sites.map((s) => `${s.path}|${s.fingerprint}`));
    for (const site of before.sites.filter((s) => s.disposition === 'manual')) {
      assert.ok(fingerprints.has(`${site.path}|${site.fingerprint}`), `fingerprint kept: ${site.path}:${site.line} ${site.pattern}`);
    }
  });
}

test('baseline on a real repository: unchanged passes, shifted lines still match, a new leak fails', async () => {
  const dir = copyRepo('service');
  const first = await audit(dir, { baseline: 'leakfix-baseline.json', updateBaseline: true, failOn: 'yellow' });
  assert.equal(first.exitCode, 0);
  assert.equal(first.baselineWritten?.entries, 11, 'open sites only: RED 6 + YELLOW 6, less the leakfix-ignore\'d RED');

  assert.equal((await audit(dir, { baseline: 'leakfix-baseline.json', failOn: 'yellow' })).exitCode, 0);

  // Shift every site: blank lines and a clean helper at the top of each source file.
  for (const file of ['src/metrics.ts', 'src/db/users.ts', 'src/jobs/consumer.ts', 'src/http/audit-log.ts', 'src/http/fetch-with-timeout.ts', 'src/index.js']) {
    const full = path.join(dir, file);
    const text = fs.readFileSync(full, 'utf8');
    const shifted = file.endsWith('.js') ? `\n\nfunction helper() {\n  return 1;\n}\n\n${text}` : `\n\n\nexport function helper(): number {\n  return 1;\n}\n${text}`;
    fs.writeFileSync(full, shifted);
  }
  const moved = await audit(dir, { baseline: 'leakfix-baseline.json', failOn: 'yellow' });
  assert.notDeepEqual(moved.audit.report.sites.map((s) => s.line), first.audit.report.sites.map((s) => s.line));
  assert.deepEqual(moved.audit.gate.newSites.map((s) => `${s.path}:${s.line}`), []);
  assert.deepEqual(moved.audit.gate.stale, []);
  assert.equal(moved.exitCode, 0);

  // A new dropped interval in an existing file: the gate fails on it alone.
  fs.appendFileSync(path.join(dir, 'src/metrics.ts'), '\nexport function startDebug(): void {\n  setInterval(() => report(\'debug\'), 100);\n}\n');
  const grown = await audit(dir, { baseline: 'leakfix-baseline.json', failOn: 'red' });
  assert.equal(grown.exitCode, 1);
  assert.deepEqual(grown.audit.gate.failing.map((s) => `${s.path} ${s.pattern}`), ['src/metrics.ts interval-dropped-handle']);
});
