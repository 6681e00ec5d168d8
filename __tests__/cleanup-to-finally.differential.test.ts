/**
 * The differential tester on a fixed seed set (see differential/harness.ts): generated functions
 * run before and after cleanup-to-finally on every path, and a second run changes nothing.
 * `npm run differential -- --seeds 2000` runs a larger set on demand (LEAKFIX_DIFF_SEEDS too).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { rule } from '../transforms/cleanup-to-finally';
import { generateFunctions } from './differential/generate';
import { formatReport, judgeSource, runDifferential } from './differential/harness';

const SEEDS = Array.from({ length: 40 }, (_, i) => i);
const PER_FILE = 25;

describe('cleanup-to-finally: differential test on generated functions', () => {
  it(`${SEEDS.length * PER_FILE} functions: no behaviour change, no output a second run changes`, async (t) => {
    const report = await runDifferential({ rule, seeds: SEEDS, generate: (seed) => generateFunctions(seed, PER_FILE) });
    t.diagnostic(formatReport(report, false).split('\n')[0]);
    assert.equal(report.divergences.length, 0, formatReport(report));
    // The generator must produce rewrites, or this test could not fail.
    assert.ok(report.changed > report.functions / 5, `only ${report.changed} of ${report.functions} functions rewritten`);
    assert.ok(report.runs > report.changed * 10);
  });

  it('the judge catches a rewrite that moves a release past code that observes it', async () => {
    const original = "function f0(w) {\n  const a = w.open('a');\n  w.step(1);\n  a.release();\n  w.step(2);\n}";
    const moved = "function f0(w) {\n  const a = w.open('a');\n  try {\n    w.step(1);\n    w.step(2);\n  } finally {\n    a.release();\n  }\n}";
    assert.match((await judgeSource(original, moved)) ?? '', /release runs later, after a step/);
    const released = "function f0(w) {\n  const a = w.open('a');\n  try {\n    w.step(1);\n  } finally {\n    a.release();\n  }\n  w.step(2);\n}";
    assert.equal(await judgeSource(original, released), undefined);
  });
});
