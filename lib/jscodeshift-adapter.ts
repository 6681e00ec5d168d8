/**
 * Turns a leakfix rule into a standard jscodeshift transform, so every file in `transforms/`
 * also works as `npx jscodeshift -t transforms/<name>.ts`. It runs the same engine as the CLI,
 * picks the parser per file as the CLI does, and reports refusals through `api.report`.
 */
import type { API, FileInfo, Options } from 'jscodeshift';
import { DEFAULT_RUNTIME_IMPORT, processSource } from './engine';
import { formatPosition } from './findings';
import { PARSER_NAMES, type ParserName } from './parsers';
import { optionSpecs, type LeakRule, type OptionValue } from './rule';

/** jscodeshift passes CLI options as strings: read them back with the types the rule declares. */
function ruleOptionsFrom(rule: LeakRule, options: Options): Record<string, OptionValue> {
  const values: Record<string, OptionValue> = {};
  for (const [name, spec] of Object.entries(optionSpecs(rule.meta))) {
    const raw: unknown = options[name];
    if (raw === undefined) continue;
    if (spec.type === 'string[]') values[name] = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()).filter(Boolean);
    else if (spec.type === 'boolean') values[name] = raw === true || raw === 'true';
    else if (spec.type === 'number') values[name] = Number(raw);
    else values[name] = String(raw);
  }
  return values;
}

export type JscodeshiftTransform = ((file: FileInfo, api: API, options: Options) => string | undefined) & { rule: LeakRule };

export function toJscodeshiftTransform(rule: LeakRule): JscodeshiftTransform {
  const transform = (file: FileInfo, api: API, options: Options): string | undefined => {
    const parserOption: unknown = options.leakfixParser;
    const parser = PARSER_NAMES.includes(parserOption as ParserName) ? (parserOption as ParserName) : undefined;
    const outcome = processSource(file.path, file.source, {
      rules: [rule],
      mode: 'transform',
      parser,
      ruleOptions: { [rule.meta.name]: ruleOptionsFrom(rule, options) },
      runtimeImport: typeof options.runtimeImport === 'string' ? options.runtimeImport : DEFAULT_RUNTIME_IMPORT,
    });
    if (outcome.status === 'error') throw new Error(outcome.message ?? outcome.reason);
    for (const finding of outcome.findings) {
      if (finding.status === 'refused') {
        api.report(`${file.path}:${formatPosition(finding.start)} ${finding.rule}: left unchanged (${finding.reason}): ${finding.message}`);
      }
    }
    return outcome.status === 'changed' ? outcome.output : undefined;
  };
  return Object.assign(transform, { rule });
}
