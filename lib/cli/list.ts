/** `leakfix list`: each transform with its one-line description, its options and its audit pattern ids (from rule meta). */
import * as path from 'node:path';
import { optionSpecs, type LeakRule } from '../rule';
import { POLICY_REASONS } from '../context/policies';
import { registryRules } from '../runner/rules';
import { exitCodeForThrown, RULE_MODULES_ENV } from './common';

export function formatRuleList(rules: readonly LeakRule[]): string {
  const lines: string[] = [];
  for (const rule of rules) {
    lines.push(rule.meta.name);
    lines.push(`  ${rule.meta.description}`);
    const specs = optionSpecs(rule.meta);
    for (const [name, spec] of Object.entries(specs)) {
      lines.push(`  option ${name} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.description}`);
    }
    const patterns = Object.keys(rule.meta.patterns);
    if (patterns.length > 0) lines.push(`  audit patterns: ${patterns.map((p) => `${rule.meta.name}/${p}`).join(', ')}`);
    lines.push('');
  }
  lines.push('file context policies (every transform; see docs/context.md)');
  for (const [reason, text] of Object.entries(POLICY_REASONS)) lines.push(`  reason ${reason}: ${text}`);
  lines.push('');
  return lines.join('\n');
}

/** `registry`: the built-in transforms, handed down by bin/ (LEAKFIX_RULE_MODULES replaces them). */
export function runListCommand(flags: { json?: boolean }, registry: readonly LeakRule[]): number {
  try {
    const modules = process.env[RULE_MODULES_ENV]?.split(path.delimiter).filter(Boolean);
    const rules = registryRules(registry, process.cwd(), modules).map((r) => r.rule);
    if (flags.json) {
      const data = rules.map((r) => ({ name: r.meta.name, description: r.meta.description, options: optionSpecs(r.meta), patterns: r.meta.patterns, reasons: r.meta.reasons }));
      process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    } else process.stdout.write(formatRuleList(rules));
    return 0;
  } catch (error) {
    return exitCodeForThrown(error);
  }
}
