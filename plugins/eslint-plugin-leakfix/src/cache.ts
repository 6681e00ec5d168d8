/**
 * One fix plan (engine runs) per file, rule and options in a lint run. ESLint calls each rule's `create` once
 * per file, and editors re-lint unchanged text often: the text is part of the key.
 */
import type { FileOutcome, TextEdit } from 'leakfix';

export interface SiteFix {
  /** The transform's rewrite of this site alone: what a suggestion (applied on its own) does. */
  site: TextEdit[];
  /**
   * What `--fix` applies. ESLint applies the fixes of one pass together when they do not overlap,
   * so a site's own edits are only used when every site's are disjoint and together give the
   * transform's output; otherwise (a shared import, names chosen to be unique in the file) every
   * site carries the whole file's rewrite, the fixes overlap, and ESLint applies one of them.
   */
  autofix: TextEdit[];
  addsRuntime: boolean;
}

export interface FixPlan {
  outcome: FileOutcome;
  fixes: Map<string, SiteFix>;
}


const MAX_ENTRIES = 500;
const plans = new Map<string, { source: string; plan: FixPlan }>();

export function cachedPlan(
  filename: string,
  source: string,
  rule: string,
  options: Readonly<Record<string, unknown>>,
  runtimeImport: string,
  compute: () => FixPlan,
): FixPlan {
  const key = JSON.stringify([filename, rule, options, runtimeImport]);
  const hit = plans.get(key);
  if (hit && hit.source === source) return hit.plan;
  const plan = compute();
  plans.delete(key);
  plans.set(key, { source, plan });
  if (plans.size > MAX_ENTRIES) plans.delete(plans.keys().next().value!);
  return plan;
}
