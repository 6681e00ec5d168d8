/**
 * leakfix's programmatic API, the package entry: the library (lib/) composed with the built-in
 * transforms (transforms/). `run()` is what the CLI uses: it returns one record per file and a
 * summary, and never prints; like `audit()`, it runs the built-in transforms unless `rules` or
 * `registry` says otherwise.
 *
 *   import { run } from 'leakfix';
 *   const result = await run({ paths: ['src'], dry: true });
 *   for (const file of result.records) if (file.status === 'changed') console.log(file.diff);
 *
 * Layering: transforms/ depend on lib/, lib/ never imports transforms/ (__tests__/layering.test.ts).
 */
import { run as runWith, type RunOptions, type RunResult } from './lib/runner/run';
import { audit as auditWith, type AuditRunOptions } from './lib/audit/command';
import type { AuditResult } from './lib/audit';
import { RULES } from './transforms';

export * from './lib';
export { RULES, RULE_NAMES } from './transforms';

/** Runs the transforms over files (see RunOptions); the built-in ones unless `rules` or `registry` is given. */
export function run(options: RunOptions = {}): Promise<RunResult> {
  return runWith({ ...options, registry: options.registry ?? RULES });
}

/** Grades the sites of the transforms (see AuditRunOptions); the built-in ones unless `rules` or `registry` is given. */
export function audit(options: AuditRunOptions = {}): Promise<AuditResult & { run: RunResult }> {
  return auditWith({ ...options, registry: options.registry ?? RULES });
}
