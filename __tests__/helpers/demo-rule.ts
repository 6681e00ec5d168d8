/**
 * A small test-only rule: rewrites a dropped `setInterval(...)` statement into
 * `supervise('demo', ..., { everyMs })` and refuses stored handles. It exercises the engine's
 * contract (detect on the fast AST, fix on recast, imports, layout) without depending on the
 * real transforms.
 */
import { fixable, managed, refused, type Site } from '../../lib/findings';
import type { LeakRule, RuleContext } from '../../lib/rule';
import { replaceNode } from '../../lib/analysis/edit';
import { globalTimerCall } from '../../lib/analysis/resources';

export function demoRule(behaviour: { throwIn?: 'detect' | 'fix'; breakOutput?: boolean } = {}): LeakRule {
  return {
    meta: {
      name: 'demo',
      description: 'test-only rule',
      prefilter: /setInterval/,
      skipsTestFiles: true,
      options: {},
      patterns: { dropped: 'a dropped interval', stored: 'a stored interval', cleared: 'a cleared one' },
      reasons: { stored: 'handle is stored' },
    },
    detect(ctx: RuleContext): Site[] {
      if (behaviour.throwIn === 'detect') throw new Error('detector exploded');
      const sites: Site[] = [];
      for (const call of ctx.index.ofType('CallExpression')) {
        const timer = globalTimerCall(call, (name, at) => ctx.isGlobal(name, at));
        if (timer?.kind !== 'setInterval') continue;
        const statement = ctx.index.parent(call);
        if (statement?.type === 'ExpressionStatement') {
          sites.push(
            fixable('dropped', call, 'red', 'dropped handle', () => {
              if (behaviour.throwIn === 'fix') throw new Error('fix exploded');
              const callee = ctx.runtime.use('supervise');
              const [fn, ms] = call.arguments;
              const replacement = ctx.template.statement(`${callee}('demo', FN, { everyMs: MS });`);
              const args = ((replacement as { expression: { arguments: unknown[] } }).expression.arguments);
              args[1] = fn;
              ((args[2] as { properties: Array<{ value: unknown }> }).properties[0]).value = ms;
              replaceNode(ctx.index, statement, replacement);
              // An identifier whose name is not an identifier prints as code that cannot parse.
              if (behaviour.breakOutput && fn.type === 'Identifier') fn.name = 'if (';
            }),
          );
        } else if (ctx.index.parent(call)?.type === 'VariableDeclarator') {
          sites.push(refused('stored', call, 'yellow', 'stored', 'stored handle'));
        } else {
          sites.push(managed('cleared', call, 'fine'));
        }
      }
      return sites;
    },
  };
}
