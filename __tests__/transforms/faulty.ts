/**
 * Test-only rules that misbehave on purpose, each triggered by a marker in the file text, so the
 * runner tests can prove a broken transform never damages a file and never stops the run:
 *  - test-throws: `detect` throws (THROW_IN_DETECT);
 *  - test-bad-output: the fix prints code that does not parse (BREAK_OUTPUT);
 *  - test-hang: `detect` never returns (HANG_FOREVER);
 *  - test-crash: the worker thread exits mid-file (CRASH_WORKER);
 *  - test-edit-during-run: someone edits the file while leakfix works on it (EDIT_DURING_RUN).
 */
import type * as t from '@babel/types';
import * as fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { fixable, type Site } from '../../lib/findings';
import type { LeakRule, RuleContext, RuleMeta } from '../../lib/rule';

function meta(name: string, prefilter: RegExp): RuleMeta {
  return { name, description: `${name} (test-only)`, prefilter, skipsTestFiles: false, options: {}, patterns: {}, reasons: {} };
}

export const throwsRule: LeakRule = {
  meta: meta('test-throws', /THROW_IN_DETECT/),
  detect(): Site[] {
    throw new Error('boom in detect');
  },
};

export const badOutputRule: LeakRule = {
  meta: meta('test-bad-output', /BREAK_OUTPUT/),
  detect(ctx: RuleContext): Site[] {
    return ctx.index
      .ofType('Identifier')
      .filter((id) => id.name === 'BREAK_OUTPUT')
      .map((id) =>
        fixable('break', id, 'red', 'breaks the output', () => {
          (id as t.Identifier).name = 'broken output (';
        }),
      );
  },
};

export const hangRule: LeakRule = {
  meta: meta('test-hang', /HANG_FOREVER/),
  detect(): Site[] {
    const until = Number.POSITIVE_INFINITY;
    while (Date.now() < until) {
      // spin: the pool's time limit must end this
    }
    return [];
  },
};

export const crashRule: LeakRule = {
  meta: meta('test-crash', /CRASH_WORKER/),
  detect(): Site[] {
    if (!isMainThread) process.exit(7);
    throw new Error('crash requested in the main thread');
  },
};

export const editDuringRunRule: LeakRule = {
  meta: meta('test-edit-during-run', /EDIT_DURING_RUN/),
  detect(ctx: RuleContext): Site[] {
    if (ctx.mode === 'detect') fs.appendFileSync(ctx.filePath, '// edited meanwhile\n');
    return ctx.index
      .ofType('Identifier')
      .filter((id) => id.name === 'EDIT_DURING_RUN')
      .map((id) =>
        fixable('edit', id, 'red', 'renames the marker', () => {
          (id as t.Identifier).name = 'EDITED';
        }),
      );
  },
};

export const rules: LeakRule[] = [throwsRule, badOutputRule, hangRule, crashRule, editDuringRunRule];
