/**
 * supervise-intervals: placeholder until the transform lands (see its issue).
 */
import type { Site } from '../lib/findings';
import type { LeakRule, RuleContext } from '../lib/rule';
import { toJscodeshiftTransform } from '../lib/jscodeshift-adapter';

export const rule: LeakRule = {
  meta: {
    name: 'supervise-intervals',
    description: 'placeholder',
    prefilter: /(?!)/,
    skipsTestFiles: true,
    options: {},
    patterns: {},
    reasons: {},
  },
  detect(_ctx: RuleContext): Site[] {
    return [];
  },
};

export default toJscodeshiftTransform(rule);
