/**
 * break-to-return detection: the loop analysis it rests on (lib/analysis/loops.ts), what stays
 * silent, how audit grades each site, options, and idempotence with the whole pipeline.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_RUNTIME_IMPORT, processSource, type FileOutcome } from '../lib/engine';
import { parseForDetection } from '../lib/parsers';
import { AstIndex } from '../lib/analysis/ast';
import { ScopeAnalysis } from '../lib/analysis/scope';
import { constantTruthiness, hasConstantTrueTest, isLoop, iteratesEndlessly, loopExits, type Loop } from '../lib/analysis/loops';
import transform, { rule } from '../transforms/break-to-return';
import { RULES } from '../transforms';
import { FIXTURES } from './helpers/paths';
import { reportingApi, ruleSettings } from './helpers/rule-settings';

function analyse(source: string): { index: AstIndex; scope: ScopeAnalysis; loops: Loop[] } {
  const file = parseForDetection(source, 'ts');
  const index = new AstIndex(file);
  return { index, scope: new ScopeAnalysis(file), loops: index.nodes.filter(isLoop) };
}

function run(source: string, options: Record<string, unknown> = {}, mode: 'transform' | 'audit' = 'transform', filePath = 'src/x.ts'): FileOutcome {
  return processSource(filePath, source, ruleSettings(rule, mode, options));
}

function summary(outcome: FileOutcome): string[] {
  return outcome.findings.map((f) => `${f.rule}:${f.grade}:${f.status}${f.reason ? `:${f.reason}` : ''}@${f.start.line}`);
}

const consumer = (loopHead: string, caseTest: string, body = '', after = ''): string => `async function f(q: any) {
  ${loopHead} {
    const m = await q.next();
    switch (m.type) {
      case 'data':
        q.handle(m);
        break;
      case ${caseTest}:
        ${body}break;
    }
  }
  ${after}
}
`;

describe('loops analysis', () => {
  it('knows which tests are constantly true', () => {
    const truthy = ['true', '1', '!0', '!false', "'x'", '(true)', '!!1'];
    const other = ['false', '0', 'x', '!x', "''", 'null', 'void 0'];
    for (const text of truthy) {
      const { loops } = analyse(`while (${text}) {}`);
      assert.equal(hasConstantTrueTest(loops[0]), true, text);
    }
    for (const text of other) {
      const { loops } = analyse(`while (${text}) {}`);
      assert.equal(hasConstantTrueTest(loops[0]), false, text);
    }
    assert.equal(constantTruthiness(analyse('(-1);').index.ofType('UnaryExpression')[0]), undefined);
    assert.equal(hasConstantTrueTest(analyse('for (;;) {}').loops[0]), true);
    assert.equal(hasConstantTrueTest(analyse('for (; true; ) {}').loops[0]), true);
    assert.equal(hasConstantTrueTest(analyse('for (; i < 3; ) {}').loops[0]), false);
    assert.equal(hasConstantTrueTest(analyse('do {} while (1);').loops[0]), true);
    assert.equal(hasConstantTrueTest(analyse('for (const x of xs) {}').loops[0]), false);
  });

  it('lists the jumps that leave a loop, not those that stay inside', () => {
    const { index, loops } = analyse(`
      outer: for (;;) {
        while (true) {
          switch (x) { case 1: break; case 2: continue; case 3: break outer; case 4: return; }
          for (const y of ys) { if (y) break; if (!y) continue outer; }
          inner: { break inner; }
          const cb = () => { return 1; };
          if (z) break;
        }
      }`);
    const inner = loops[1];
    const kinds = loopExits(inner, index).map((e) => `${e.kind}@${e.node.loc!.start.line}`);
    assert.deepEqual(kinds, ['labelled-break@4', 'return@4', 'continue-outer@5', 'break@8']);
    assert.deepEqual(
      loopExits(loops[0], index).map((e) => e.kind),
      ['labelled-break', 'return'],
      'the outer loop is left by `break outer` and `return`, not by the inner loop’s breaks',
    );
  });

  it('recognises never-ending for await iterables however events and timers are imported', () => {
    const endless = ['events:on', 'events:EventEmitter.on', 'timers/promises:setInterval', 'bus.subscribe'];
    const cases: Array<[string, boolean]> = [
      ["import { on } from 'node:events'; for await (const e of on(em, 'x')) {}", true],
      ["import { on as listen } from 'events'; for await (const e of listen(em, 'x')) {}", true],
      ["import * as events from 'events'; for await (const e of events.on(em, 'x')) {}", true],
      ["import EventEmitter from 'node:events'; for await (const e of EventEmitter.on(em, 'x')) {}", true],
      ["import { EventEmitter } from 'node:events'; for await (const e of EventEmitter.on(em, 'x')) {}", true],
      ["const { on } = require('events'); for await (const e of on(em, 'x')) {}", true],
      ["const events = require('node:events'); for await (const e of events.on(em, 'x')) {}", true],
      ["const on = require('events').on; for await (const e of on(em, 'x')) {}", true],
      ["import { setInterval } from 'node:timers/promises'; for await (const t of setInterval(10)) {}", true],
      ['for await (const m of bus.subscribe()) {}', true],
      ["import { on } from 'events'; const messages = on(em, 'm'); for await (const e of messages) {}", true],
      ["import { on } from 'events'; let messages = on(em, 'm'); for await (const e of messages) {}", false],
      ["function on() {} for await (const e of on(em, 'x')) {}", false],
      ['for await (const e of stream) {}', false],
      ["import { on } from 'node:events'; for (const e of on(em, 'x')) {}", false],
      ["import { once } from 'node:events'; for await (const e of once(em, 'x')) {}", false],
      ["import { on } from 'node:events'; for await (const e of on(em, 'x', { signal })) {}", true],
      ["import { on } from 'node:events'; for await (const e of on(em, 'data', { close: ['end'] })) {}", false],
      ["import { on } from 'node:events'; for await (const e of on(em, 'data', { 'close': ['end'] })) {}", false],
      ["import { on } from 'node:events'; for await (const e of on(em, 'data', options)) {}", false],
      ["import { on } from 'node:events'; for await (const e of on(em, 'data', { ...options })) {}", false],
    ];
    for (const [source, expected] of cases) {
      const { index, scope, loops } = analyse(source);
      assert.equal(iteratesEndlessly(loops[0], endless, scope, index), expected, source);
    }
  });
});

describe('break-to-return detection', () => {
  it('stays silent on loops that end by themselves and on cases that mean "next message"', () => {
    const silent = [
      consumer('while (running)', "'stop'", 'running = false;\n        '),
      consumer('for (const x of xs)', "'end'"),
      consumer('while (true)', "'ping'"),
      consumer('while (true)', "'retry'", 'const s = q.open();\n        s.close();\n        '),
      `async function f(s: AsyncIterable<{ type: string }>) { for await (const e of s) { switch (e.type) { case 'finish': break; } } }`,
      `async function f(q: any) { while (true) { switch (await q.poll()) { case 'ready': q.run(); break; default: break; } } }`,
    ];
    for (const source of silent) assert.deepEqual(summary(run(source)), [], source);
  });

  it('grades sites for audit: RED when the loop cannot end, YELLOW with another exit, GREEN when already leaving', () => {
    assert.deepEqual(summary(run(consumer('while (true)', "'end'"), {}, 'audit')), ['switch-break-in-endless-loop:red:fixable@9']);
    const flagged = `async function f(q: any) {
  let done = false;
  while (true) {
    switch ((await q.next()).type) {
      case 'end':
        done = true;
        break;
    }
    if (done) break;
  }
}
`;
    assert.deepEqual(summary(run(flagged, {}, 'audit')), ['sentinel-break-other-exit:yellow:refused:loop-has-other-exit@7']);
    const returning = consumer('while (true)', "'end'").replace("case 'end':\n        break;", "case 'end':\n        return;");
    assert.deepEqual(summary(run(returning, {}, 'audit')), ['loop-exit-ok:green:ok@9']);
  });

  it('treats its own rewrite as managed on a second run (no "other exit" report)', () => {
    const source = consumer('for (;;)', "'close'", '', "q.release();");
    const first = run(source);
    assert.equal(first.status, 'changed');
    assert.match(first.output!, /loop: for \(;;\)/);
    assert.match(first.output!, /break loop;/);
    const second = run(first.output!);
    assert.equal(second.status, 'unchanged');
    assert.deepEqual(summary(second), ['loop-exit-ok:green:ok@9']);
  });

  it('fixes every sentinel case of a loop once it is safe, and leaves other exits to the author', () => {
    const source = `async function f(q: any) {
  while (true) {
    switch ((await q.next()).type) {
      case 'end':
        break;
      case 'close':
        return;
      case 'abort':
        break;
    }
  }
}
`;
    const out = run(source);
    assert.deepEqual(summary(out), ['switch-break-in-endless-loop:red:fixed@5', 'switch-break-in-endless-loop:red:fixed@9', 'loop-exit-ok:green:ok@7']);
    assert.equal((out.output!.match(/return;/g) ?? []).length, 3);
  });

  it('matches sentinels case-insensitively, by whole name or last word, and reads the sentinels option', () => {
    assert.equal(run(consumer('while (true)', "'STREAM_END'")).status, 'changed');
    assert.equal(run(consumer('while (true)', "'message_stop'")).status, 'changed');
    assert.equal(run(consumer('while (true)', 'Kind.Closed')).status, 'changed');
    assert.equal(run(consumer('while (true)', "'endpoint'")).status, 'unchanged');
    assert.equal(run(consumer('while (true)', "'bye'")).status, 'unchanged');
    assert.equal(run(consumer('while (true)', "'bye'"), { sentinels: ['bye'] }).status, 'changed');
    assert.equal(run(consumer('while (true)', "'end'"), { sentinels: ['bye'] }).status, 'unchanged');
  });

  it('counts a disposal of something that outlives the loop, with the disposalMethods option', () => {
    const outer = `async function f(q: any, conn: any) {
  while (true) {
    switch ((await q.next()).type) {
      case 'data':
        break;
      case 'gone':
        conn.teardown();
        break;
    }
  }
}
`;
    assert.equal(run(outer).status, 'unchanged');
    assert.equal(run(outer, { disposalMethods: ['teardown'] }).status, 'changed');
    assert.equal(run(outer.replace('conn.teardown()', 'clearInterval(this.timer)')).status, 'changed');
    assert.equal(run(outer.replace('conn.teardown()', 'conn.close()')).status, 'changed');
  });

  it('reads the endlessIterables and labelName options', () => {
    const source = `async function f(bus: any) {
  for await (const m of bus.subscribe('jobs')) {
    switch (m.kind) {
      case 'job':
        await m.run();
        break;
      case 'drained':
        m.ack();
        break;
      case 'done':
        break;
    }
  }
  bus.close();
}
`;
    assert.equal(run(source).status, 'unchanged');
    assert.deepEqual(summary(run(source)), []);
    const out = run(source, { endlessIterables: ['bus.subscribe'], labelName: 'jobs' });
    assert.equal(out.status, 'changed');
    assert.match(out.output!, /jobs: for await \(const m of bus\.subscribe\('jobs'\)\) \{/);
    assert.match(out.output!, /case 'done':\n {8}break jobs;/);
  });

  it('keeps the label text of the loop kind and the comments above the loop', () => {
    const source = `function f(q: any) {
  // read until the peer says bye
  do {
    switch (q.shift()) {
      case 'quit':
        break;
    }
  } while (true);
  q.close();
}
`;
    const out = run(source);
    assert.equal(
      out.output,
      `function f(q: any) {
  // read until the peer says bye
  loop: do {
    switch (q.shift()) {
      case 'quit':
        break loop;
    }
  } while (true);
  q.close();
}
`,
    );
  });

  it('keeps a comment after the loop with the labelled loop', () => {
    const source = `function f(q: any) {
  for (;;) {
    switch (q.shift()) {
      case 'quit':
        break;
    }
  } // reads until quit
  q.close();
}
`;
    const out = run(source);
    assert.equal(out.status, 'changed');
    assert.match(out.output!, /loop: for \(;\s*;\s*\) \{/);
    assert.match(out.output!, /\} \/\/ reads until quit\n/);
    assert.match(out.output!, /break loop;/);
    assert.equal(run(out.output!).status, 'unchanged');
  });

  it('uses a labelled break, not return, when the loop is inside a finally or a switch case', () => {
    const inFinally = `async function f(q: any) {
  try {
    await q.open();
  } finally {
    while (true) {
      switch (await q.drain()) {
        case 'done':
          break;
      }
    }
  }
}
`;
    assert.match(run(inFinally).output!, /break loop;/);
    const inCase = `async function f(q: any, mode: string) {
  switch (mode) {
    case 'follow':
      while (true) {
        switch ((await q.next()).type) {
          case 'eof':
            break;
        }
      }
    default:
      q.close();
  }
}
`;
    assert.match(run(inCase).output!, /break loop;/);
  });

  it('refuses when code after the switch still runs in the iteration, following enclosing breaks and fall-through', () => {
    const nested = (tail: string): string => `async function f(q: any) {
  while (true) {
    const m = await q.next();
    switch (m.kind) {
      case 'control':
        switch (m.command) {
          case 'stop':
            break;
        }
        ${tail}
      case 'other':
        q.log(m);
    }
  }
}
`;
    assert.deepEqual(summary(run(nested('break;'))), ['switch-break-in-endless-loop:red:fixed@8']);
    assert.deepEqual(summary(run(nested(''))), ['switch-break-in-endless-loop:red:refused:code-after-switch@8']);
    assert.deepEqual(summary(run(nested('q.audit(m);\n        break;'))), ['switch-break-in-endless-loop:red:refused:code-after-switch@8']);
  });

  it('refuses when the function would fall off its end after the loop but returns values elsewhere', () => {
    const source = `async function f(q: any) {
  if (!q) return 0;
  for (;;) {
    switch ((await q.next()).type) {
      case 'end':
        break;
    }
  }
  q.close();
}
`;
    assert.deepEqual(summary(run(source)), ['switch-break-in-endless-loop:red:refused:function-returns-values@6']);
    assert.equal(run(source.replace('  q.close();\n', '  q.close();\n  return 1;\n')).status, 'changed');
    assert.equal(run(source.replace('if (!q) return 0;', 'if (!q) return;')).status, 'changed');
  });

  it('leaves a site under leakfix-ignore alone', () => {
    const source = consumer('while (true)', "'end'").replace("case 'end':", "case 'end':\n        // leakfix-ignore");
    const out = run(source);
    assert.equal(out.status, 'unchanged');
    assert.deepEqual(out.findings.map((f) => f.status), ['ignored']);
  });

  it('reports nothing at all for the silent fixtures', () => {
    const dir = path.join(FIXTURES, 'break-to-return');
    const silent = ['data-case-break-unchanged', 'flag-controlled-loop-unchanged', 'polling-default-break-unchanged', 'for-await-plain-stream-finish-unchanged', 'sentinel-closing-per-iteration-item-unchanged'];
    for (const name of silent) {
      const file = fs.readdirSync(dir).find((f) => f.startsWith(`${name}.input.`));
      assert.ok(file, name);
      assert.deepEqual(summary(run(fs.readFileSync(path.join(dir, file), 'utf8'), {}, 'audit', `src/${file}`)), [], name);
    }
  });

  it('declares every pattern and reason it reports', () => {
    const dir = path.join(FIXTURES, 'break-to-return');
    for (const file of fs.readdirSync(dir).filter((f) => f.includes('.input.'))) {
      const out = run(fs.readFileSync(path.join(dir, file), 'utf8'), {}, 'audit', `src/${file}`);
      for (const finding of out.findings) {
        assert.ok(finding.rule in rule.meta.patterns, finding.rule);
        if (finding.reason) assert.ok(finding.reason in rule.meta.reasons, finding.reason);
      }
    }
  });
});

describe('break-to-return as a jscodeshift transform', () => {
  it('rewrites through the default export and reports refusals through api.report', () => {
    const reports: string[] = [];
    const api = reportingApi(reports);
    const fixed = transform({ path: 'src/a.js', source: consumer('while (true)', "'end'").replace(/: any/g, '') }, api, {});
    assert.match(fixed ?? '', /case 'end':\n {8}return;/);
    const shared = consumer('while (true)', "'end'").replace(/: any/g, '').replace("case 'end':", "case 'tick':\n      case 'end':");
    assert.equal(transform({ path: 'src/b.js', source: shared }, api, {}), undefined);
    assert.equal(reports.length, 1);
    assert.match(reports[0], /^src\/b\.js:10:9 switch-break-in-endless-loop: left unchanged \(shared-case-body\)/);
    assert.equal(transform({ path: 'src/c.js', source: shared.replace("'tick'", "'close'") }, api, { sentinels: 'end,close' }) !== undefined, true);
  });
});

describe('break-to-return in the whole pipeline', () => {
  it('reaches a fixpoint in one pass: a second run of every transform changes nothing', () => {
    const dir = path.join(FIXTURES, 'break-to-return');
    for (const file of fs.readdirSync(dir).filter((f) => f.includes('.input.'))) {
      const settings = { rules: RULES, mode: 'transform' as const, runtimeImport: DEFAULT_RUNTIME_IMPORT };
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const first = processSource(`src/${file}`, source, settings);
      assert.notEqual(first.status, 'error', `${file}: ${first.message}`);
      const text = first.output ?? source;
      const second = processSource(`src/${file}`, text, settings);
      assert.equal(second.output ?? text, text, `${file}: a second pipeline run changes it`);
      const ours = second.findings.filter((f) => f.transform === rule.meta.name);
      assert.ok(!ours.some((f) => f.status === 'fixable'), `${file}: ${JSON.stringify(ours)}`);
    }
  });
});
