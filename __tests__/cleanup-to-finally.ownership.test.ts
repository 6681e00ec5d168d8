/**
 * Which sites cleanup-to-finally reports, exactly, where ownership lies elsewhere:
 *  - a `setInterval` handle is graded by supervise-intervals; cleanup-to-finally still rewrites it
 *    (a fixable site) but reports no refused or managed site for it, so audit counts one handle once;
 *  - a cleanup inside a disposer the acquiring function returns hands ownership to the caller (GREEN);
 *  - `abort()` from a timer or event callback signals cancellation: the controller is not reported.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { rule } from '../transforms/cleanup-to-finally';
import { rule as superviseIntervals } from '../transforms/supervise-intervals';
import { DEFAULT_RUNTIME_IMPORT, processSource } from '../lib/engine';
import type { LeakRule } from '../lib/rule';
import { fixtureCase, fixtureCases, type FixtureCase } from './helpers/fixtures';

const cases = fixtureCases('cleanup-to-finally');

function fixture(name: string): FixtureCase {
  return fixtureCase('cleanup-to-finally', name, cases);
}

function audit(filePath: string, source: string, rules: LeakRule[] = [rule]): Array<{ transform: string; rule: string; status: string; reason?: string; line: number }> {
  return processSource(filePath, source, { rules, mode: 'audit', runtimeImport: DEFAULT_RUNTIME_IMPORT }).findings.map((f) => ({
    transform: f.transform,
    rule: f.rule,
    status: f.status,
    ...(f.reason ? { reason: f.reason } : {}),
    line: f.start.line,
  }));
}

function exactly(name: string): Array<{ rule: string; status: string; reason?: string; line: number }> {
  const c = fixture(name);
  return audit(c.filePath, c.input).map(({ transform: _transform, ...rest }) => rest);
}

describe('cleanup-to-finally: interval handles belong to supervise-intervals', () => {
  it('reports only the fixable interval handle, no refused or managed one', () => {
    assert.deepEqual(exactly('interval-handles-left-to-supervise-intervals'), [{ rule: 'cleanup-not-on-throw-path', status: 'fixable', line: 2 }]);
  });

  it('audited with supervise-intervals, every refused or managed site is on its own handle', () => {
    const c = fixture('interval-handles-left-to-supervise-intervals');
    const findings = audit(c.filePath, c.input, [rule, superviseIntervals]);
    const intervalLines = c.input.split('\n').flatMap((text, i) => (/setInterval\(/.test(text) ? [i + 1] : []));
    const ours = findings.filter((f) => f.transform === rule.meta.name);
    assert.deepEqual(
      ours.filter((f) => f.status !== 'fixable' && intervalLines.includes(f.line)),
      [],
      'cleanup-to-finally reports no refused/managed site on a setInterval line',
    );
    // supervise-intervals does see the handles cleanup-to-finally now leaves to it.
    const theirs = new Set(findings.filter((f) => f.transform === superviseIntervals.meta.name).map((f) => f.line));
    for (const line of [9, 18, 23, 28]) assert.ok(theirs.has(line), `supervise-intervals grades the handle on line ${line}`);
  });

  it('keeps reporting timeouts and other resources in the same shapes', () => {
    const source = [
      'async function consume(queue) {',
      '  const heartbeat = setTimeout(ping, 5000);',
      '  try {',
      '    await queue.drain();',
      '  } finally {',
      '    clearTimeout(heartbeat);',
      '  }',
      '}',
      'function wait(emitter) {',
      '  const ticker = setTimeout(tick, 100);',
      "  emitter.once('done', () => clearTimeout(ticker));",
      '}',
      'class Poller {',
      '  restart() {',
      '    clearTimeout(this.timer);',
      '    this.timer = setTimeout(() => this.poll(), this.ms);',
      '  }',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(
      audit('src/x.js', source).map(({ transform: _t, ...rest }) => rest),
      [
        { rule: 'cleanup-in-finally', status: 'ok', line: 2 },
        { rule: 'cleanup-some-paths', status: 'refused', reason: 'cleanup-in-callback', line: 10 },
        { rule: 'property-cleanup', status: 'refused', reason: 'property-resource', line: 15 },
      ],
    );
  });

  it('a local setInterval shadowing the global is not a timer: still reported', () => {
    const source = ['function f(setInterval) {', '  const t = setInterval();', "  on('x', () => clearInterval(t));", '}', ''].join('\n');
    assert.deepEqual(audit('src/x.js', source).map((f) => f.reason), ['cleanup-in-callback']);
  });
});

describe('cleanup-to-finally: a returned disposer owns the cleanup', () => {
  it('grades effect cleanups GREEN', () => {
    assert.deepEqual(exactly('disposer-returned-from-effect'), [
      { rule: 'cleanup-returned-disposer', status: 'ok', line: 6 },
      { rule: 'cleanup-returned-disposer', status: 'ok', line: 15 },
    ]);
  });

  it('grades returned functions, disposer objects and returned bindings GREEN; a path without the disposer or a guarded disposer stays YELLOW', () => {
    assert.deepEqual(exactly('disposer-returned-from-subscribe'), [
      { rule: 'cleanup-returned-disposer', status: 'ok', line: 6 },
      { rule: 'cleanup-returned-disposer', status: 'ok', line: 12 },
      { rule: 'cleanup-returned-disposer', status: 'ok', line: 22 },
      { rule: 'cleanup-some-paths', status: 'refused', reason: 'exit-without-cleanup', line: 30 },
      { rule: 'cleanup-some-paths', status: 'refused', reason: 'cleanup-in-callback', line: 36 },
    ]);
  });

  it('a disposer that is not returned (passed to a call) is still a callback', () => {
    const source = ['function f(source) {', '  const sub = source.subscribe();', '  onUnload(() => sub.unsubscribe());', '}', ''].join('\n');
    assert.deepEqual(audit('src/x.js', source).map((f) => f.reason), ['cleanup-in-callback']);
  });

  it('a disposer returned from an inner function does not count for the outer one', () => {
    const source = ['function f(source) {', '  const sub = source.subscribe();', '  later(function () {', '    return () => sub.unsubscribe();', '  });', '}', ''].join('\n');
    assert.deepEqual(audit('src/x.js', source).map((f) => f.reason), ['cleanup-in-callback']);
  });
});

describe('cleanup-to-finally: abort() from a callback is a cancellation signal', () => {
  it('does not report the controller; the timer is still rewritten', () => {
    assert.deepEqual(exactly('abort-from-timeout-callback'), [{ rule: 'cleanup-not-on-throw-path', status: 'fixable', line: 3 }]);
  });

  it('an abort() in a returned disposer is a managed cleanup', () => {
    const source = [
      'function useData(load) {',
      '  useEffect(() => {',
      '    const controller = new AbortController();',
      '    load(controller.signal).then(setData);',
      '    return () => controller.abort();',
      '  }, [load]);',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(audit('src/x.js', source).map(({ transform: _t, ...rest }) => rest), [{ rule: 'cleanup-returned-disposer', status: 'ok', line: 3 }]);
  });

  it('other cleanups in callbacks are still refused', () => {
    const c = fixture('refused-cleanup-in-callback');
    assert.deepEqual(audit(c.filePath, c.input).map((f) => f.reason), ['cleanup-in-callback']);
  });
});

describe('cleanup-to-finally: values that hold no resource are not sites', () => {
  it('modules (require, import()) and literals (an object with a close method) are not resources', () => {
    assert.deepEqual(exactly('not-a-resource-module-or-literal'), []);
  });
});
