/**
 * The differential tester on a fixed seed set for break-to-return (see differential/harness.ts,
 * loop-generate.ts, loop-world.ts, loop-oracle.ts): generated loops run before and after the
 * rewrite on every path; the rewrite must behave as a `break` out of the loop at each break it
 * changed, change only paths where the original hung at such a break, and a second run changes
 * nothing. `npm run differential -- --transform break-to-return --seeds 400` runs more.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatReport, judgeSource, runDifferential } from './differential/harness';
import { breakToReturnOracle } from './differential/loop-oracle';
import { LoopWorld } from './differential/loop-world';
import { DIFFERENTIAL_SUITES } from './differential/suites';

const SEEDS = Array.from({ length: 6 }, (_, i) => i);
const PER_FILE = 25;

const judging = { oracle: breakToReturnOracle, world: (failAt: number | undefined, choices: readonly boolean[]) => new LoopWorld(failAt, choices) };

const CONSUMER = (end: string, afterSwitch = '', afterLoop = '') =>
  `function f0(w) {\n  const a = w.open('a');\n  try {\n    while (true) {\n      const m = w.receive('q', 'data', 'end');\n      switch (m.type) {\n        case 'data':\n          w.step(1);\n          break;\n        case 'end':\n          ${end}\n      }\n${afterSwitch}    }\n  } finally {\n    a.release();\n  }\n${afterLoop}}`;

describe('break-to-return: differential test on generated functions', () => {
  it(`${SEEDS.length * PER_FILE} functions: every changed break behaves as a break out of its loop and only ends hangs; a second run changes nothing`, async (t) => {
    const report = await runDifferential({ ...DIFFERENTIAL_SUITES['break-to-return'](PER_FILE), seeds: SEEDS });
    t.diagnostic(formatReport(report, false).split('\n').filter((line) => !line.startsWith('0 divergences')).join('; '));
    assert.equal(report.divergences.length, 0, formatReport(report));
    // The generator must produce rewrites that end hangs, or this test could not fail.
    assert.ok(report.changed > report.functions / 5, `only ${report.changed} of ${report.functions} functions rewritten`);
    assert.ok((report.tallies.get('fix ends a hang') ?? 0) > report.changed * 10, 'too few paths where the fix ends a hang');
  });

  it('the judge accepts a return where only a finally follows the loop, and a labelled break', async () => {
    assert.equal(await judgeSource(CONSUMER('break;'), CONSUMER('return;'), false, judging), undefined);
    const labelled = CONSUMER('break loop;', '', '  w.step(9);\n').replace('while (true)', 'loop: while (true)');
    assert.equal(await judgeSource(CONSUMER('break;', '', '  w.step(9);\n'), labelled, false, judging), undefined);
  });

  it('the judge catches a return that skips code after the loop', async () => {
    const cause = await judgeSource(CONSUMER('break;', '', '  w.step(9);\n'), CONSUMER('return;', '', '  w.step(9);\n'), false, judging);
    assert.match(cause ?? '', /^rewrite is not `break` out of its loop: normal path: step became result/);
  });

  it('the judge catches a fix that skips code after the switch, and a loop that could end by itself', async () => {
    const afterSwitch = '      w.step(5);\n';
    const cause = await judgeSource(CONSUMER('break;', afterSwitch), CONSUMER('return;', afterSwitch), false, judging);
    assert.match(cause ?? '', /code after the switch runs in the original where the rewrite leaves the loop: step/);
    const flag = '      if (w.choose()) break;\n';
    const exits = await judgeSource(CONSUMER('break;', flag), CONSUMER('return;', flag), false, judging);
    assert.match(exits ?? '', /code after the switch runs in the original where the rewrite leaves the loop: choose/);
  });

  it('the judge catches a rewrite whose for-await closes its iterator differently', async () => {
    const consumer = (end: string, label = '') =>
      `async function f0(w) {\n  ${label}for await (const m of w.subscribe('s', 'data', 'end')) {\n    switch (m.type) {\n      case 'data':\n        w.step(1);\n        break;\n      case 'end':\n        ${end}\n    }\n  }\n  w.step(2);\n}`;
    assert.equal(await judgeSource(consumer('break;'), consumer('break loop;', 'loop: '), true, judging), undefined);
    // Leaving by a throw skips the iterator's return(): no `close s` event, and no step 2.
    const cause = await judgeSource(consumer('break;'), consumer('throw w.error(3);'), true, judging);
    assert.match(cause ?? '', /rewrite changes more than unlabelled breaks/);
    const skipped = await judgeSource(consumer('break;'), consumer('return;'), true, judging);
    assert.match(skipped ?? '', /^rewrite is not `break` out of its loop: normal path: step became result/);
  });
});
