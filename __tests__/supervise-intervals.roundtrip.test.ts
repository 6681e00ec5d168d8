/**
 * supervise-intervals: `transform` then `audit` on every fixture input. Each site the transform
 * fixed must be detected again, GREEN, where the fixed code now is (`interval-supervised` for a
 * supervise() rewrite, `interval-managed` for an effect cleanup or a disposal-method clear); every
 * other site must be found again unchanged; no site may appear or disappear.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { diffArrays } from 'diff';
import { processSource, type Mode } from '../lib/engine';
import type { Finding } from '../lib/findings';
import { rule } from '../transforms/supervise-intervals';
import { fixtureCases, type FixtureCase } from './helpers/fixtures';
import { ruleSettings } from './helpers/rule-settings';

function runCase(c: FixtureCase, source: string, mode: Mode): ReturnType<typeof processSource> {
  const outcome = processSource(c.filePath, source, ruleSettings(rule, mode, c.options, c.runtimeImport));
  assert.notEqual(outcome.status, 'error', outcome.message);
  return outcome;
}

interface LineRange {
  first: number;
  last: number;
}

/**
 * For each input line (1-based), the output lines it became: itself when the line is unchanged,
 * else the whole changed region of the output that replaced the region it belonged to.
 */
function lineMap(input: string, output: string): LineRange[] {
  const map: LineRange[] = [{ first: 0, last: -1 }];
  let outLine = 1;
  let pendingRemoved: number[] = [];
  let regionStart = 1;
  const flush = (): void => {
    for (const line of pendingRemoved) map[line] = { first: regionStart, last: Math.max(regionStart, outLine - 1) };
    pendingRemoved = [];
  };
  let inLine = 1;
  for (const part of diffArrays(input.split(/\r?\n/), output.split(/\r?\n/))) {
    if (part.removed) {
      if (pendingRemoved.length === 0) regionStart = outLine;
      for (let i = 0; i < part.count; i++) pendingRemoved.push(inLine++);
    } else if (part.added) {
      if (pendingRemoved.length === 0) regionStart = outLine;
      outLine += part.count;
    } else {
      flush();
      for (let i = 0; i < part.count; i++) map[inLine++] = { first: outLine, last: outLine++ };
    }
  }
  flush();
  return map;
}

function label(f: Finding): string {
  return `${f.start.line}:${f.start.column} ${f.rule} ${f.status}${f.reason ? ` ${f.reason}` : ''} ${f.grade}`;
}

/** The GREEN pattern a fixed site must turn into. */
function expectedGreen(fixed: Finding): string {
  return /supervise it/.test(fixed.message) ? 'interval-supervised' : 'interval-managed';
}

/**
 * Pairs every finding before the transform with one finding after it, at the mapped lines: a
 * fixed one with a GREEN site of the expected pattern, any other one with an identical finding.
 * Returns what could not be paired, on either side.
 */
function pairFindings(before: Finding[], after: Finding[], map: LineRange[]): { lost: string[]; appeared: string[] } {
  const unclaimed = new Set(after);
  const lost: string[] = [];
  // Fixed sites last: an unchanged site at the same line must take its own twin first.
  const ordered = [...before.filter((f) => f.status !== 'fixed'), ...before.filter((f) => f.status === 'fixed')];
  for (const f of ordered) {
    const range = map[f.start.line];
    const wanted =
      f.status === 'fixed'
        ? (a: Finding): boolean => a.rule === expectedGreen(f) && a.status === 'ok' && a.grade === 'green'
        : (a: Finding): boolean => a.rule === f.rule && a.status === f.status && a.reason === f.reason && a.grade === f.grade;
    const twin = [...unclaimed].find((a) => wanted(a) && range !== undefined && a.start.line >= range.first && a.start.line <= range.last);
    if (twin) unclaimed.delete(twin);
    else lost.push(`${label(f)} (expected ${f.status === 'fixed' ? `${expectedGreen(f)} ok green` : 'the same'} at output lines ${range?.first}-${range?.last})`);
  }
  return { lost, appeared: [...unclaimed].map(label) };
}

describe('supervise-intervals: every fix is detected again as GREEN at the same place', () => {
  const cases = fixtureCases(rule.meta.name);
  let fixedTotal = 0;
  const greenPatterns = new Set<string>();

  for (const c of cases) {
    it(c.name, () => {
      const transformed = runCase(c, c.input, 'transform');
      const output = transformed.output ?? c.input;
      const audited = runCase(c, output, 'audit');
      const { lost, appeared } = pairFindings(transformed.findings, audited.findings, lineMap(c.input, output));
      assert.deepEqual({ lost, appeared }, { lost: [], appeared: [] });
      for (const f of audited.findings) if (f.grade === 'green') greenPatterns.add(f.rule);
      fixedTotal += transformed.findings.filter((f) => f.status === 'fixed').length;
      assert.equal(audited.findings.filter((f) => f.status === 'fixable').length, 0, 'nothing is left to fix');
    });
  }

  it('covers supervise, effect and class fixes', () => {
    assert.ok(fixedTotal >= 20, `only ${fixedTotal} fixed sites across the fixtures`);
    // interval-process-lifetime: unref()ed timers, GREEN and left as they are.
    assert.deepEqual([...greenPatterns].sort(), ['interval-managed', 'interval-process-lifetime', 'interval-supervised']);
  });
});

describe('supervise-intervals: the line map used to pair sites', () => {
  it('maps unchanged lines exactly and changed ones to their replacement region', () => {
    const map = lineMap('a\nb\nc\nd\n', 'a\nx\nB\nc\nnew\nd\n');
    assert.deepEqual(map.slice(1, 5), [
      { first: 1, last: 1 },
      { first: 2, last: 3 },
      { first: 4, last: 4 },
      { first: 6, last: 6 },
    ]);
  });
});
