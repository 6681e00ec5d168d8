/**
 * lib/analysis/control-flow.ts: exits of a region, path states, last touches, jump targets, canThrow.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as t from '@babel/types';
import { parseForDetection } from '../lib/parsers';
import { AstIndex, type Node } from '../lib/analysis/ast';
import { canCompleteNormally, canThrow, jumpTarget, lastTouches, regionExits, traceRegion, type FlowDomain } from '../lib/analysis/control-flow';

/** The body of the first function in `code`. */
function body(code: string): t.Statement[] {
  const file = parseForDetection(code, 'ts');
  const fn = file.program.body[0];
  if (fn.type !== 'FunctionDeclaration') throw new Error('expected a function');
  return fn.body.body;
}

function summary(exits: ReadonlyArray<{ kind: string; node: Node }>): string[] {
  return exits.filter((e) => e.kind !== 'throw').map((e) => `${e.kind}@${e.node.loc?.start.line}`);
}

/** A domain that records whether `done()` was called on the path. */
const doneDomain: FlowDomain<boolean> = {
  key: (s) => String(s),
  evaluate: (s, node) => s || (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'done'),
};

describe('control-flow: regionExits', () => {
  it('lists returns, the fall-through end and breaks that leave the region', () => {
    const stmts = body(`function f(x) {
      if (x) return 1;
      for (;;) {
        if (x > 2) break;
        if (x > 3) continue;
      }
      while (x) { break; }
    }`);
    assert.deepEqual(summary(regionExits(stmts)), ['return@2', 'end@7']);
    // The loop body alone: its break and continue leave it.
    const loop = stmts[1] as t.ForStatement;
    assert.deepEqual(summary(regionExits((loop.body as t.BlockStatement).body)), ['break@4', 'continue@5', 'end@5']);
  });

  it('knows when a region cannot fall through', () => {
    assert.equal(canCompleteNormally(body(`function f(x) { if (x) return 1; else throw new Error(); }`)), false);
    assert.equal(canCompleteNormally(body(`function f(x) { while (true) { if (x) break; } }`)), true);
    assert.equal(canCompleteNormally(body(`function f(x) { while (true) { x(); } }`)), false);
    assert.equal(canCompleteNormally(body(`function f(x) { try { return 1; } finally { x(); } }`)), false);
    assert.equal(canCompleteNormally(body(`function f(x) { switch (x) { case 1: return 1; default: return 2; } }`)), false);
    assert.equal(canCompleteNormally(body(`function f(x) { switch (x) { case 1: return 1; } }`)), true);
  });

  it('routes labelled breaks to their labels', () => {
    const stmts = body(`function f(x) {
      outer: for (;;) {
        for (;;) { if (x) break outer; continue outer; }
      }
      return 2;
    }`);
    assert.deepEqual(summary(regionExits(stmts)), ['return@5']);
  });
});

describe('control-flow: traceRegion', () => {
  it('tracks a state along every path, through catch and finally', () => {
    const stmts = body(`function f(x) {
      try {
        if (x) { done(); return 1; }
        work();
      } catch (e) {
        done();
        throw e;
      }
      if (x > 1) return 2;
      done();
    }`);
    const { exits } = traceRegion(stmts, false, doneDomain);
    const normal = exits.filter((e) => e.kind !== 'throw').map((e) => `${e.kind}@${e.node.loc?.start.line}:${e.state}`);
    assert.deepEqual(normal.sort(), ['end@10:true', 'return@3:true', 'return@9:false'].sort());
    // The catch's rethrow leaves with done() called; work() throwing is caught, not an exit.
    const thrown = exits.filter((e) => e.kind === 'throw').map((e) => `${e.node.loc?.start.line}:${e.state}`);
    assert.ok(thrown.includes('7:true'));
  });

  it('runs loops to a fixpoint: a state set in one iteration reaches the next', () => {
    const stmts = body(`function f(items) {
      for (const item of items) {
        if (item) return item;
        done();
      }
    }`);
    const states = traceRegion(stmts, false, doneDomain).exits.filter((e) => e.kind === 'return').map((e) => e.state);
    assert.deepEqual(states.sort(), [false, true]);
  });

  it('finds the last thing that touched a value before each exit', () => {
    const stmts = body(`function f(c, x) {
      c.query();
      if (x) { c.release(); log(); return 1; }
      c.release();
      return 2;
    }`);
    const touches = (node: Node): boolean => {
      let hit = false;
      const text = JSON.stringify(node, (k, v: unknown) => (k === 'loc' || k === 'start' || k === 'end' ? undefined : v));
      hit = text.includes('"name":"c"');
      return hit;
    };
    const lines = lastTouches(stmts, touches)
      .filter((e) => e.kind === 'return')
      .map((e) => `${e.node.loc?.start.line}<-${e.state?.loc?.start.line}`);
    assert.deepEqual(lines.sort(), ['3<-3', '5<-4']);
  });
});

describe('control-flow: jumpTarget and canThrow', () => {
  it('finds the target of break and continue', () => {
    const file = parseForDetection(`a: for (;;) { switch (x) { case 1: break; case 2: continue; case 3: break a; } }`, 'babel');
    const index = new AstIndex(file);
    const [plain, cont, labelled] = [...index.ofType('BreakStatement'), ...index.ofType('ContinueStatement')].sort((p, q) => (p.start ?? 0) - (q.start ?? 0));
    assert.equal(jumpTarget(plain as t.BreakStatement, index)?.type, 'SwitchStatement');
    assert.equal(jumpTarget(cont as t.ContinueStatement, index)?.type, 'ForStatement');
    assert.equal(jumpTarget(labelled as t.BreakStatement, index)?.type, 'LabeledStatement');
  });

  it('over-approximates what may throw', () => {
    const expr = (code: string): Node => (parseForDetection(code, 'babel').program.body[0] as t.Statement);
    assert.equal(canThrow(expr('x = 1;')), false);
    assert.equal(canThrow(expr('const f = () => boom();')), false);
    assert.equal(canThrow(expr('this.count++;')), false);
    assert.equal(canThrow(expr('f();')), true);
    assert.equal(canThrow(expr('a.b;')), true);
    assert.equal(canThrow(expr('const { a } = b;')), true);
    assert.equal(canThrow(expr('clearTimeout(t);'), { safeCall: (c) => c.callee.type === 'Identifier' && c.callee.name === 'clearTimeout' }), false);
  });
});
