/**
 * cleanup-to-finally's contract: every refusal reason and every pattern is exercised by a fixture,
 * documented, and the findings a fixture expects are the ones the engine reports.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rule } from '../transforms/cleanup-to-finally';
import { rule as superviseIntervals } from '../transforms/supervise-intervals';
import type { Finding } from '../lib/findings';
import { DEFAULT_RUNTIME_IMPORT, processSource } from '../lib/engine';
import { fixtureCase, fixtureCases } from './helpers/fixtures';
import { REPO_ROOT } from './helpers/paths';
import { ruleSettings } from './helpers/rule-settings';

const cases = fixtureCases('cleanup-to-finally');

function findingsOf(name: string): Finding[] {
  const fixture = fixtureCase('cleanup-to-finally', name, cases);
  return processSource(fixture.filePath, fixture.input, ruleSettings(rule, 'audit', fixture.options)).findings;
}

describe('cleanup-to-finally: meta', () => {
  it('has at least 25 fixture pairs', () => {
    assert.ok(cases.length >= 25, `only ${cases.length} fixtures`);
  });

  it('exercises every refusal reason and every pattern in some fixture', () => {
    const reasons = new Set<string>();
    const patterns = new Set<string>();
    for (const fixture of cases) {
      for (const finding of findingsOf(fixture.name)) {
        patterns.add(finding.rule);
        if (finding.reason) reasons.add(finding.reason);
      }
    }
    assert.deepEqual(Object.keys(rule.meta.reasons).filter((r) => !reasons.has(r)), []);
    assert.deepEqual(Object.keys(rule.meta.patterns).filter((p) => !patterns.has(p)), []);
    assert.deepEqual([...reasons].filter((r) => !(r in rule.meta.reasons)), []);
    assert.deepEqual([...patterns].filter((p) => !(p in rule.meta.patterns)), []);
  });

  it('documents every refusal reason and every option', () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'transforms', 'cleanup-to-finally.md'), 'utf8');
    for (const name of [...Object.keys(rule.meta.reasons), ...Object.keys(rule.meta.patterns), ...Object.keys(rule.meta.options)]) {
      assert.ok(doc.includes(`\`${name}\``), `docs do not mention ${name}`);
    }
  });

  it('grades a rewritten resource GREEN when audited again', () => {
    for (const fixture of cases) {
      if (fixture.input === fixture.output) continue;
      const again = processSource(fixture.filePath, fixture.output, ruleSettings(rule, 'audit', fixture.options));
      const fixable = again.findings.filter((f) => f.status === 'fixable');
      assert.deepEqual(fixable, [], `${fixture.name}: still fixable after the rewrite`);
      // A fixed setInterval handle is supervise-intervals' to grade once it is managed.
      const inputLines = fixture.input.split(/\r?\n/);
      const outputLines = fixture.output.split(/\r?\n/);
      const fixed = findingsOf(fixture.name).filter((f) => f.status === 'fixable');
      const intervals = fixed.filter((f) => /\bsetInterval\(/.test(inputLines[f.start.line - 1]));
      const before = fixed.length - intervals.length;
      const green = again.findings.filter((f) => f.grade === 'green').length;
      assert.ok(green >= before, `${fixture.name}: ${before} fixed sites but only ${green} GREEN after the rewrite`);
      if (intervals.length === 0) continue;
      const supervised = processSource(fixture.filePath, fixture.output, { rules: [superviseIntervals], mode: 'audit', runtimeImport: DEFAULT_RUNTIME_IMPORT });
      for (const site of intervals) {
        const text = inputLines[site.start.line - 1];
        const graded = supervised.findings.some((f) => f.grade === 'green' && outputLines[f.start.line - 1] === text);
        assert.ok(graded, `${fixture.name}: the fixed interval \`${text.trim()}\` is not graded GREEN by supervise-intervals`);
      }
    }
  });

  it('the prefilter follows the configured cleanups', () => {
    const source = 'async function f(p) { const s = await p.open(); await s.work(); s.shutdown(); }';
    const run = (options: Record<string, unknown>): string =>
      processSource('src/x.js', source, ruleSettings(rule, 'transform', options)).status;
    assert.equal(run({}), 'unchanged');
    assert.equal(run({ cleanupMethods: ['shutdown'] }), 'changed');
  });
});
