/**
 * eslint-plugin-leakfix: leakfix's detectors as ESLint rules, one rule per transform.
 *
 * Nothing here detects anything. Each rule runs leakfix's own engine (`processSource`, the
 * function `leakfix audit` and `leakfix transform` call) on `sourceCode.text`, so the findings,
 * grades and refusal reasons are the audit's, whatever parser the ESLint config uses. Fixes are
 * the transform's output for that one site, as text edits: a site whose fix adds an import of the
 * runtime becomes a suggestion (the dependency is a decision) unless `settings.leakfix.fixRuntime`
 * is true. Applying every fix (ESLint's fix loop) gives the file `leakfix transform` writes.
 *
 *   // eslint.config.js
 *   import leakfix from 'eslint-plugin-leakfix';
 *   export default [leakfix.configs.recommended];
 */
import type { ESLint, Linter, Rule } from 'eslint';
import * as path from 'node:path';
import {
  ContextResolver,
  RuleOptions,
  DEFAULT_RUNTIME_IMPORT,
  RULES,
  lineIndexAt,
  lineStartOffsets,
  optionSpecs,
  processSource,
  textEdits,
  type TextEdit,
  type FileOutcome,
  type Finding,
  type Grade,
  type LeakRule,
  type OptionSpec,
} from 'leakfix';
import { cachedPlan, type FixPlan, type SiteFix } from './cache';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON read at load, no bundler here
const pluginPackage = require('../../package.json') as { name: string; version: string };

/** package.json, tsconfig and test-runner configs, read once per folder for the whole lint run. */
const contexts = new ContextResolver();

const DOCS_BASE = 'https://github.com/leakfix/leakfix/blob/main/docs/transforms';

/** What `settings.leakfix` in an ESLint config may hold. */
interface LeakfixSettings {
  /** Module specifier fixes import the runtime from (`runtimeImport` in leakfix.config.json). */
  runtimeImport?: string;
  /** Apply fixes that add the runtime import with `--fix` instead of offering them as suggestions. */
  fixRuntime?: boolean;
}

/** The grades a rule reports; GREEN sites are managed and never reported. */
type ReportedGrade = Exclude<Grade, 'green'>;
const ALL_GRADES: readonly ReportedGrade[] = ['red', 'yellow'];

function jsonSchemaFor(spec: OptionSpec): Record<string, unknown> {
  const schema: Record<string, unknown> =
    spec.type === 'string[]' ? { type: 'array', items: { type: 'string' } } : { type: spec.type };
  schema.description = spec.description;
  return schema;
}

function schemaFor(rule: LeakRule): Rule.RuleMetaData['schema'] {
  const properties: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(optionSpecs(rule.meta))) properties[name] = jsonSchemaFor(spec);
  properties.grades = {
    type: 'array',
    items: { enum: [...ALL_GRADES] },
    uniqueItems: true,
    description: 'Grades to report: "red" (not managed on any path), "yellow" (partly managed). Default: both.',
  };
  return [{ type: 'object', properties, additionalProperties: false }];
}

function settingsOf(context: Rule.RuleContext): Required<LeakfixSettings> {
  const raw = (context.settings as { leakfix?: LeakfixSettings } | undefined)?.leakfix ?? {};
  return { runtimeImport: raw.runtimeImport ?? DEFAULT_RUNTIME_IMPORT, fixRuntime: raw.fixRuntime === true };
}

/** Findings a lint run reports: leak-prone sites that no `// leakfix-ignore` suppresses. */
function reported(finding: Finding, grades: readonly ReportedGrade[]): boolean {
  if (finding.status === 'ok' || finding.status === 'ignored' || finding.grade === 'green') return false;
  return grades.includes(finding.grade);
}

const APPLY_FIX = 'leakfix/apply-fix';

/** A refused site's message names the audit's reason code and what it means. */
function refusalText(rule: LeakRule, finding: Finding): string {
  if (finding.status !== 'refused' || !finding.reason) return '';
  const why = rule.meta.reasons[finding.reason];
  return `; left for a human: ${finding.reason}${why ? ` (${why})` : ''}`;
}

function toLoc(finding: Finding): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return {
    start: { line: finding.start.line, column: finding.start.column - 1 },
    end: { line: finding.end.line, column: finding.end.column - 1 },
  };
}

/** Occurrences of the runtime specifier as a quoted string: more after the fix means it adds the import. */
function runtimeMentions(text: string, specifier: string): number {
  let count = 0;
  for (const quote of ["'", '"']) {
    const needle = `${quote}${specifier}${quote}`;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) count++;
  }
  return count;
}

function createRule(rule: LeakRule): Rule.RuleModule {
  const name = rule.meta.name;
  return {
    meta: {
      type: 'problem',
      docs: { description: rule.meta.description, url: `${DOCS_BASE}/${name}.md` },
      fixable: 'code',
      hasSuggestions: true,
      schema: schemaFor(rule),
      // One message per pattern id, so `messageId` is the audit's pattern.
      messages: {
        ...Object.fromEntries(Object.keys(rule.meta.patterns).map((pattern) => [pattern, '{{message}} [{{grade}}{{refusal}}]'])),
        [APPLY_FIX]: 'Apply the leakfix {{transform}} rewrite (adds an import of {{runtime}})',
      },
    },
    create(context) {
      const { grades = ALL_GRADES, ...transformOptions } = (context.options[0] ?? {}) as Record<string, unknown> & { grades?: ReportedGrade[] };
      const settings = settingsOf(context);
      return {
        'Program:exit'() {
          const source = context.sourceCode.text;
          // Where the file runs (test, script, library, ...) decides as it does for `leakfix audit`.
          const fileContext = contexts.fileContext(context.filename, source);
          prepare(rule, context.filename, transformOptions);
          const run = (onlySites?: ReadonlySet<string>): FileOutcome =>
            processSource(context.filename, source, {
              rules: [rule],
              mode: 'transform',
              ruleOptions: { [name]: transformOptions },
              runtimeImport: settings.runtimeImport,
              onlySites,
            }, fileContext);
          const plan = cachedPlan(context.filename, source, name, transformOptions, settings.runtimeImport, () => planFixes(source, run, settings));
          // A file leakfix cannot parse has no findings; ESLint's own parser reports real syntax errors.
          if (plan.outcome.status === 'error') return;
          for (const finding of plan.outcome.findings) {
            if (!reported(finding, grades)) continue;
            const data = { message: finding.message, grade: finding.grade.toUpperCase(), refusal: refusalText(rule, finding) };
            const report = { loc: toLoc(finding), messageId: finding.rule, data };
            const fixed = plan.fixes.get(finding.fingerprint);
            if (!fixed) context.report(report);
            else if (fixed.addsRuntime && !settings.fixRuntime) {
              const suggestion = { messageId: APPLY_FIX, data: { transform: name, runtime: settings.runtimeImport }, fix: fixer(fixed.site) };
              context.report({ ...report, suggest: [suggestion] });
            } else context.report({ ...report, fix: fixer(fixed.autofix) });
          }
        },
      };
    },
  };
}

/** A rule's per-file preparation (typed track-async builds its TypeScript program once per tsconfig). */
function prepare(rule: LeakRule, filename: string, options: Record<string, unknown>): void {
  const values = new RuleOptions(optionSpecs(rule.meta), options);
  if (rule.prepare?.needed(values) !== true) return;
  try {
    rule.prepare.file(path.resolve(filename), values);
  } catch {
    // As in the CLI: a failed preparation leaves the rule to fall back on its own (untyped).
  }
}

function fixer(edits: readonly TextEdit[]): Rule.ReportFixer {
  return (fix) => edits.map((edit) => fix.replaceTextRange(edit.range, edit.text));
}

function planFixes(source: string, run: (only?: ReadonlySet<string>) => FileOutcome, settings: Required<LeakfixSettings>): FixPlan {
  const outcome = run();
  const fixes = new Map<string, SiteFix>();
  if (outcome.status !== 'changed' || outcome.output === undefined) return { outcome, fixes };
  const fixed = outcome.findings.filter((f) => f.status === 'fixed');
  const whole = textEdits(source, outcome.output);
  const local = localEdits(source, whole, fixed);
  for (const finding of fixed) {
    const addsRuntime = finding.usesRuntime === true && runtimeMentions(outcome.output, settings.runtimeImport) > runtimeMentions(source, settings.runtimeImport);
    const own = local?.get(finding.fingerprint);
    // A suggestion is applied on its own, so it needs this site's rewrite alone: one more engine run
    // when the file's edits cannot be split by site.
    const alone = own ?? (addsRuntime && !settings.fixRuntime ? aloneEdits(source, run, finding) : undefined);
    fixes.set(finding.fingerprint, { site: alone ?? whole, autofix: own ?? whole, addsRuntime });
  }
  return { outcome, fixes };
}

/**
 * The file's edits split by site, when every edit lies inside exactly one fixed site's lines and
 * every site has one: then each site's rewrite is local to it, and any subset of sites can be
 * applied. Otherwise (an added import or class field, a `try {` above the site) undefined.
 */
function localEdits(source: string, edits: readonly TextEdit[], fixed: readonly Finding[]): Map<string, TextEdit[]> | undefined {
  const lineStarts = lineStartOffsets(source);
  const lineOf = (offset: number): number => lineIndexAt(lineStarts, offset) + 1;
  const bySite = new Map<string, TextEdit[]>(fixed.map((f) => [f.fingerprint, []]));
  for (const edit of edits) {
    const first = lineOf(edit.range[0]);
    // An edit that removes lines ends at the start of the line after them.
    const last = edit.range[1] > edit.range[0] ? lineOf(edit.range[1] - 1) : first;
    // Lines inserted before line `first` belong to a site that spans both of their neighbours.
    const inserts = edit.range[1] === edit.range[0];
    const owners = fixed.filter((f) => (inserts ? f.start.line < first && first <= f.end.line : f.start.line <= first && last <= f.end.line));
    if (owners.length !== 1) return undefined;
    bySite.get(owners[0].fingerprint)!.push(edit);
  }
  if ([...bySite.values()].some((own) => own.length === 0)) return undefined;
  if (!disjointSpans([...bySite.values()])) return undefined;
  return bySite;
}

function aloneEdits(source: string, run: (only?: ReadonlySet<string>) => FileOutcome, finding: Finding): TextEdit[] | undefined {
  const alone = run(new Set([finding.fingerprint]));
  return alone.status === 'changed' && alone.output !== undefined ? textEdits(source, alone.output) : undefined;
}

/** ESLint merges one report's edits into one range; those ranges must not touch each other. */
function disjointSpans(sites: ReadonlyArray<readonly TextEdit[]>): boolean {
  const spans = sites
    .map((edits) => [Math.min(...edits.map((e) => e.range[0])), Math.max(...edits.map((e) => e.range[1]))] as const)
    .sort((a, b) => a[0] - b[0]);
  return spans.every((span, i) => i === 0 || spans[i - 1][1] < span[0]);
}

const rules: Record<string, Rule.RuleModule> = Object.fromEntries(RULES.map((rule) => [rule.meta.name, createRule(rule)]));

const plugin = {
  meta: { name: pluginPackage.name, version: pluginPackage.version },
  rules,
  configs: {} as Record<'recommended' | 'strict', Linter.Config>,
} satisfies ESLint.Plugin;

function config(configName: string, grades: readonly ReportedGrade[]): Linter.Config {
  return {
    name: `leakfix/${configName}`,
    plugins: { leakfix: plugin as unknown as ESLint.Plugin },
    rules: Object.fromEntries(RULES.map((rule) => [`leakfix/${rule.meta.name}`, ['error', { grades: [...grades] }]])),
  };
}

/** `recommended`: sites no path manages (RED). `strict`: also the partly managed ones (YELLOW). */
plugin.configs.recommended = config('recommended', ['red']);
plugin.configs.strict = config('strict', ALL_GRADES);

// CommonJS, so `require('eslint-plugin-leakfix')` and `import leakfix from 'eslint-plugin-leakfix'` both get the plugin.
export = plugin;
