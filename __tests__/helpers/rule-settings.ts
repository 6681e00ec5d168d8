/** The engine settings and the jscodeshift API that the per-rule tests build again and again. */
import type { API } from 'jscodeshift';
import { DEFAULT_RUNTIME_IMPORT, type EngineSettings, type Mode } from '../../lib/engine';
import type { LeakRule } from '../../lib/rule';

/** Settings that run `rule` alone, with `options` as its rule options. */
export function ruleSettings(rule: LeakRule, mode: Mode, options: Record<string, unknown> = {}, runtimeImport = DEFAULT_RUNTIME_IMPORT): EngineSettings {
  return { rules: [rule], mode, ruleOptions: { [rule.meta.name]: options }, runtimeImport };
}

/** A jscodeshift API whose `report` (the only member the adapter uses) appends to `reports`. */
export function reportingApi(reports: string[] = []): API {
  return { report: (message: string) => reports.push(message) } as unknown as API;
}
