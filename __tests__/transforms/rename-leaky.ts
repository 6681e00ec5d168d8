/**
 * test-rename (test-only): renames `leakyCall(...)` to `safeCall(...)`. A call with a spread
 * argument is refused (`spread-args`), `safeCall(...)` is reported as already managed. Small and
 * predictable, so the runner tests can check diffs, writes and reports without the real rules.
 * With `viaRuntime`, the new callee is the runtime's `track` (adding its import), so tests can
 * check where `--runtime-import` points.
 */
import type * as t from '@babel/types';
import { fixable, managed, refused, type Site } from '../../lib/findings';
import type { LeakRule, RuleContext } from '../../lib/rule';
import { toJscodeshiftTransform } from '../../lib/jscodeshift-adapter';

export const rule: LeakRule = {
  meta: {
    name: 'test-rename',
    description: 'Renames leakyCall() to safeCall() (test-only).',
    prefilter: /\b(?:leakyCall|safeCall)\b/,
    skipsTestFiles: false,
    options: {
      target: { type: 'string', default: 'safeCall', description: 'The new callee name.' },
      viaRuntime: { type: 'boolean', default: false, description: "Call the runtime's track instead (adds its import)." },
    },
    patterns: { 'leaky-call': 'A call to leakyCall().' },
    reasons: { 'spread-args': 'Calls with spread arguments are left alone.' },
  },
  detect(ctx: RuleContext): Site[] {
    const target = ctx.options.string('target');
    const sites: Site[] = [];
    for (const call of ctx.index.ofType('CallExpression')) {
      const callee = call.callee;
      if (callee.type !== 'Identifier') continue;
      if (callee.name === target) {
        sites.push(managed('leaky-call', call, `${target}() is already safe`));
      } else if (callee.name === 'leakyCall') {
        if (call.arguments.some((arg) => arg.type === 'SpreadElement')) {
          sites.push(refused('leaky-call', call, 'red', 'spread-args', 'leakyCall() with spread arguments'));
        } else {
          sites.push(
            fixable('leaky-call', call, 'red', `leakyCall() becomes ${target}()`, () => {
              (callee as t.Identifier).name = ctx.options.bool('viaRuntime') ? ctx.runtime.use('track') : target;
            }),
          );
        }
      }
    }
    return sites;
  },
};

export default toJscodeshiftTransform(rule);
