/**
 * Which rules a run uses, and how a worker thread finds the same rule objects again.
 *
 * Rule objects hold functions and RegExps, which cannot cross a thread boundary, so the main thread
 * describes each rule by where it comes from: the built-in registry (by name) or a module file
 * (path + rule name). A rule object passed to `run({ rules })` is traced back to its module through
 * `require.cache`; one that cannot be traced makes the run stay in the main thread.
 */
import * as path from 'node:path';
import type { LeakRule } from '../rule';
import { UsageError } from './errors';

/** The built-in registry, loaded on first use: runs with only their own rules never pay for it. */
function registry(): readonly LeakRule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../transforms') as typeof import('../../transforms')).RULES;
}

export type RuleSource = { kind: 'builtin'; name: string } | { kind: 'module'; path: string; name: string } | { kind: 'object'; name: string };

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
  if (registry().includes(rule)) return { kind: 'builtin', name: rule.meta.name };
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

export function builtinRules(): ResolvedRule[] {
  return registry().map((rule) => ({ rule, source: { kind: 'builtin', name: rule.meta.name } }));
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
    if (source.kind === 'builtin') {
      const rule = registry().find((r) => r.meta.name === source.name);
      if (!rule) throw new Error(`no built-in rule ${source.name}`);
      return rule;
    }
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
