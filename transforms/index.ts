/**
 * The registry of transforms, in the order they run on a file. Order matters for reaching a
 * fixpoint in one pass: supervise-intervals first (it changes what timer handles are), then
 * break-to-return (a new `return` creates exits that cleanup-to-finally must cover), then
 * cleanup-to-finally, then track-async (it must see the final statements).
 */
import type { LeakRule } from '../lib/rule';
import { rule as superviseIntervals } from './supervise-intervals';
import { rule as breakToReturn } from './break-to-return';
import { rule as cleanupToFinally } from './cleanup-to-finally';
import { rule as trackAsync } from './track-async';

export const RULES: readonly LeakRule[] = [superviseIntervals, breakToReturn, cleanupToFinally, trackAsync];

export const RULE_NAMES: readonly string[] = RULES.map((r) => r.meta.name);
