/**
 * Which rules a run uses, and how a worker thread finds the same rule objects again.
 *
 * The runner has no rules of its own: the top layer (the CLI in bin/, the package entry, the ESLint
 * plugin) hands down the registry (transforms/index.ts), so lib/ never imports transforms/.
 * Rule objects hold functions and RegExps, which cannot cross a thread boundary, so the main thread
 * describes each rule by the module file it comes from (path + rule name): a rule object, built-in
 * or passed to `run({ rules })`, is traced back to its module through `require.cache`; one that
 * cannot be traced makes the run stay in the main thread.
 */
import * as path from 'node:path';
import type { LeakRule } from '../rule';
import { UsageError } from './errors';

export type RuleSource = { kind: 'module'; path: string; name: string } | { kind: 'object'; name: string };

export interface ResolvedRule {
  rule: LeakRule;
  source: RuleSource;
}

export function isLeakRule(value: unknown): value is LeakRule {
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  if (value === null) return false;
  const candidate = value as { meta?: { name?: unknown; prefilter?: unknown }; detect?: unknown };
  return typeof candidate.detect === 'function' && typeof candidate.meta?.name === 'string' && candidate.meta.prefilter instanceof RegExp;
}

/** Every LeakRule a module exports: `rule`, `rules`, a default export that is a rule or a wrapped transform. */
export function rulesExportedBy(moduleExports: unknown): LeakRule[] {
  const found: LeakRule[] = [];
  const add = (value: unknown): void => {
    if (isLeakRule(value) && !found.includes(value)) found.push(value);
  };
  if (typeof moduleExports !== 'object' && typeof moduleExports !== 'function') return found;
  if (moduleExports === null) return found;
  const exportsRecord = moduleExports as Record<string, unknown>;
  add(exportsRecord.rule);
  if (Array.isArray(exportsRecord.rules)) exportsRecord.rules.forEach(add);
  const fallback = exportsRecord.default as { rule?: unknown } | undefined;
  add(fallback);
  if (fallback && (typeof fallback === 'object' || typeof fallback === 'function')) add(fallback.rule);
  add(moduleExports);
  return found;
}

export function loadRuleModule(modulePath: string, cwd: string): ResolvedRule[] {
  const absolute = path.resolve(cwd, modulePath);
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(absolute);
  } catch (error) {
    throw new UsageError(`cannot load rule module ${modulePath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const rules = rulesExportedBy(loaded);
  if (rules.length === 0) throw new UsageError(`rule module ${modulePath} exports no leakfix rule`);
  return rules.map((rule) => ({ rule, source: { kind: 'module', path: absolute, name: rule.meta.name } }));
}

function traceRuleObject(rule: LeakRule): RuleSource {
  for (const [file, cached] of Object.entries(require.cache)) {
    if (cached && rulesExportedBy(cached.exports).includes(rule)) return { kind: 'module', path: file, name: rule.meta.name };
  }
  return { kind: 'object', name: rule.meta.name };
}

export function resolveRules(specs: readonly (LeakRule | string)[], cwd: string): ResolvedRule[] {
  const out: ResolvedRule[] = [];
  for (const spec of specs) {
    if (typeof spec === 'string') out.push(...loadRuleModule(spec, cwd));
    else out.push({ rule: spec, source: traceRuleObject(spec) });
  }
  return out;
}

/**
 * The rules of the registry the caller handed down (`registry`), or the rule modules named in
 * `LEAKFIX_RULE_MODULES`-style `modules` instead. A run without either has nothing to run.
 */
export function registryRules(registry: readonly LeakRule[] | undefined, cwd: string, modules?: readonly string[]): ResolvedRule[] {
  if (modules && modules.length > 0) return resolveRules(modules, cwd);
  if (!registry) throw new UsageError('no rules to run: pass `rules`, or the `registry` of transforms (the package entry and the CLI pass the built-in one)');
  return resolveRules(registry, cwd);
}

/** Applies `--transform` / `--skip`; an unknown name is a usage error that lists the valid ones. */
export function selectRules(
  all: readonly ResolvedRule[],
  only: readonly string[] | undefined,
  skip: readonly string[] | undefined,
  labels: { only: string; skip: string } = { only: '--transform', skip: '--skip' },
): ResolvedRule[] {
  const names = all.map((r) => r.rule.meta.name);
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0) throw new UsageError(`two rules are named ${duplicates[0]}`);
  const check = (list: readonly string[] | undefined, flag: string): void => {
    for (const name of list ?? []) {
      if (!names.includes(name)) throw new UsageError(`unknown transform "${name}" in ${flag} (valid: ${names.join(', ')})`);
    }
  };
  check(only, labels.only);
  check(skip, labels.skip);
  return all.filter((r) => (only === undefined || only.length === 0 || only.includes(r.rule.meta.name)) && !(skip ?? []).includes(r.rule.meta.name));
}

/** Rebuilds rule objects from their sources inside a worker thread. */
export function rulesFromSources(sources: readonly RuleSource[]): LeakRule[] {
  const moduleCache = new Map<string, LeakRule[]>();
  return sources.map((source) => {
    if (source.kind === 'object') throw new Error(`rule ${source.name} cannot be loaded in a worker thread`);
    let rules = moduleCache.get(source.path);
    if (!rules) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      rules = rulesExportedBy(require(source.path));
      moduleCache.set(source.path, rules);
    }
    const rule = rules.find((r) => r.meta.name === source.name);
    if (!rule) throw new Error(`module ${source.path} has no rule ${source.name}`);
    return rule;
  });
}
