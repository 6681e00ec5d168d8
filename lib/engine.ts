/**
 * Runs leakfix rules on one file's text. Pure (no I/O), so the worker pool, the jscodeshift
 * adapter, the tests and `audit` all call the same function.
 *
 * Two parses, one model:
 *  1. every rule whose prefilter matches runs `detect` on a fast, token-free @babel/parser AST;
 *  2. only if some site is fixable (and the mode is `transform`) is the file parsed again with
 *     recast, where each rule re-runs the same `detect` and applies its fixes; the printed
 *     output must parse again or it is discarded.
 * Findings always come from step 1, on the original text, so `audit` and `transform` agree.
 */
import { createHash } from 'node:crypto';
import * as recast from 'recast';
import { fromString } from 'recast/lib/lines';
import './recast-parens';
import { correctStatementStarts } from './recast-guards';
import type * as t from '@babel/types';
import type { Finding, FindingStatus, Site } from './findings';
import { parseForDetection, parserForFile, recastParser, type ParserName } from './parsers';
import { RuleContext, RuleOptions, SharedAnalysis, optionSpecs, type LeakRule } from './rule';
import { classifyFile, isTestRole, type FileContext } from './context';
import { SitePolicies } from './context/policies';
import { isFunction, nodeLoc, type AstIndex, type Node } from './analysis/ast';
import { detectLayout, dropPrintedSemicolons, retabChangedLines, type Layout } from './layout';
import { addRuntimeImports } from './analysis/imports';
import { escapeRegExp, firstLine } from './text';

export type Mode = 'transform' | 'audit';

export interface EngineSettings {
  rules: readonly LeakRule[];
  mode: Mode;
  /** Forces one parser for every file (`--parser`). */
  parser?: ParserName;
  /** Per-rule option values, keyed by rule name. */
  ruleOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Module specifier of the runtime that fixes import from. */
  runtimeImport: string;
  /** Also run rules that skip test files on test and fixture files (`--include-tests`). */
  includeTests?: boolean;
  /** Allow fixes that add the runtime in published library packages (`runtimeInLibraries`). */
  runtimeInLibraries?: boolean;
  /** Allow fixes that add the runtime in browser code (`runtimeInBrowser`). */
  runtimeInBrowser?: boolean;
  /**
   * Every transform name a scoped `// leakfix-ignore a, b` may name (the whole registry, not only
   * the selected rules). Default: the names of `rules`.
   */
  knownTransforms?: readonly string[];
  /**
   * Only fix the fixable sites with these fingerprints (interactive review); the others stay
   * `fixable`. Default: every fixable site.
   */
  onlySites?: ReadonlySet<string>;
  /** Also report `leakfix-ignore` comments that suppress nothing (`FileOutcome.unusedIgnores`). */
  reportUnusedIgnores?: boolean;
}

/** A `leakfix-ignore` comment that suppressed no site of a transform that ran on the file. */
export interface UnusedIgnore {
  line: number;
  text: string;
  /** Names in the comment that are not transforms. */
  unknown?: string[];
}

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'error';

export interface FileOutcome {
  status: FileStatus;
  /** For `skipped` and `error`: a reason code (`ignore-file`, `parse-error`, `internal-error`). */
  reason?: string;
  /** For `error`: a one-line message. */
  message?: string;
  /** For internal errors: the transform that failed. */
  transform?: string;
  /** The new file text, when `changed`. */
  output?: string;
  findings: Finding[];
  /** The parser used, when the file was parsed. */
  parser?: ParserName;
  /** False when no rule's prefilter matched, so the file was never parsed. */
  parsed: boolean;
  /** With `reportUnusedIgnores`: the ignore comments that suppressed nothing. */
  unusedIgnores?: UnusedIgnore[];
  /** Where the file runs (given by the caller, or classified from its path and text); processSource always sets it. */
  context?: FileContext;
  /** True when the output imports the runtime and the input did not (a dependency is needed). */
  runtimeImportAdded?: boolean;
}

export const DEFAULT_RUNTIME_IMPORT = '@leakfix/runtime';

/** BOM and shebang are cut off before parsing and put back verbatim afterwards. */
function splitPrefix(source: string): { prefix: string; body: string; lineOffset: number } {
  let prefix = '';
  let body = source;
  if (body.startsWith('\uFEFF')) {
    prefix = '\uFEFF';
    body = body.slice(1);
  }
  if (body.startsWith('#!')) {
    const eol = body.search(/\r?\n/);
    const cut = eol < 0 ? body.length : eol + (body[eol] === '\r' ? 2 : 1);
    prefix += body.slice(0, cut);
    body = body.slice(cut);
    return { prefix, body, lineOffset: 1 };
  }
  return { prefix, body, lineOffset: 0 };
}

/** Rules that skip test files and are not told to include them, for a test or fixture file. */
function skipsThisTestFile(settings: EngineSettings, rule: LeakRule, context: FileContext): boolean {
  if (!rule.meta.skipsTestFiles || !isTestRole(context.role) || settings.includeTests === true) return false;
  return settings.ruleOptions?.[rule.meta.name]?.includeTests !== true;
}

function activeRules(settings: EngineSettings, context: FileContext, body: string): LeakRule[] {
  return settings.rules.filter((rule) => {
    if (skipsThisTestFile(settings, rule, context)) return false;
    const prefilter = rule.meta.prefilterFor?.(optionsFor(settings, rule)) ?? rule.meta.prefilter;
    prefilter.lastIndex = 0;
    return prefilter.test(body);
  });
}

function optionsFor(settings: EngineSettings, rule: LeakRule): RuleOptions {
  return new RuleOptions(optionSpecs(rule.meta), settings.ruleOptions?.[rule.meta.name] ?? {});
}

function describeParseError(error: unknown, lineOffset: number): string {
  const e = error as { message?: string; loc?: { line: number; column: number } };
  const message = firstLine(String(e.message ?? error)).replace(/\s*\(\d+:\d+\)$/, '');
  return e.loc ? `${message} (${e.loc.line + lineOffset}:${e.loc.column + 1})` : message;
}

/** The name of the function or class member a site sits in, for fingerprints and reports. */
export function enclosingName(index: AstIndex, node: Node): string {
  const names: string[] = [];
  for (const ancestor of index.ancestors(node)) {
    if (isFunction(ancestor) || ancestor.type === 'ClassDeclaration' || ancestor.type === 'ClassExpression') {
      const named = ancestor as { id?: t.Identifier | null; key?: t.Node };
      let name = named.id?.name;
      if (!name && named.key?.type === 'Identifier') name = named.key.name;
      if (!name) {
        const parent = index.parent(ancestor);
        if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') name = parent.id.name;
        else if (parent?.type === 'ObjectProperty' && parent.key.type === 'Identifier') name = parent.key.name;
        else if (parent?.type === 'CallExpression' && parent.callee.type === 'Identifier') name = `${parent.callee.name}()`;
      }
      names.push(name ?? '<anonymous>');
    }
  }
  return names.reverse().join('/') || '<module>';
}

/**
 * Each site's line-independent identity: transform, pattern, enclosing names, whitespace-normalised
 * code, and an occurrence index for identical sites. Whitespace-normalised, so recast's copy of the
 * text (tabs expanded, `\n` line ends) gives the same fingerprints as the file's own text.
 */
function fingerprintsOf(sites: readonly Site[], rule: LeakRule, shared: SharedAnalysis, body: string): string[] {
  const seen = new Map<string, number>();
  return sites.map((site) => {
    const start = site.node.start ?? 0;
    const end = site.node.end ?? start;
    const shape = body.slice(start, Math.min(end, start + 400)).replace(/\s+/g, ' ');
    const base = `${rule.meta.name}|${site.rule}|${enclosingName(shared.index, site.node)}|${shape}`;
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    return createHash('sha1').update(`${base}|${occurrence}`).digest('hex').slice(0, 16);
  });
}

function toFindings(sites: readonly Site[], rule: LeakRule, shared: SharedAnalysis, body: string, lineOffset: number): Finding[] {
  const fingerprints = fingerprintsOf(sites, rule, shared, body);
  return sites.map((site, i) => {
    const loc = nodeLoc(site.node) ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
    const suppressed = shared.comments.isSuppressed(loc.start.line, rule.meta.name);
    const status: FindingStatus = suppressed ? 'ignored' : site.status;
    const fingerprint = fingerprints[i];
    const finding: Finding = {
      transform: rule.meta.name,
      rule: site.rule,
      grade: site.grade,
      status,
      message: site.message,
      start: { line: loc.start.line + lineOffset, column: loc.start.column },
      end: { line: loc.end.line + lineOffset, column: loc.end.column },
      fingerprint,
    };
    if (site.reason !== undefined) finding.reason = site.reason;
    if (suppressed) finding.reason = 'leakfix-ignore';
    return finding;
  });
}

function printWithLayout(ast: unknown, layout: Layout): string {
  return recast.print(ast as recast.types.ASTNode, {
    quote: layout.quote,
    lineTerminator: layout.lineTerminator,
    tabWidth: layout.tabWidth,
    useTabs: layout.useTabs,
    wrapColumn: 100,
    reuseWhitespace: true,
  }).code;
}

/**
 * When recast reprints a Program that has directives (`'use strict';`), it reuses the directive's
 * text, semicolon included, and then adds another `;`. Put back the original text.
 */
function undoubleDirectiveSemicolons(output: string, directives: readonly string[], source: string): string {
  let out = output;
  for (const directive of directives) {
    const text = directive.endsWith(';') ? directive : `${directive};`;
    if (!source.includes(`${text};`)) out = out.replace(`${text};`, text);
  }
  return out;
}

/**
 * Recast parses a normalised copy of the text (tabs expanded, every line ending `\n`), so node
 * offsets in its AST index into that copy, not into the file. Fix code that slices source text by
 * offsets gets this copy as `ctx.source`.
 */
function recastParsedText(source: string): string {
  return fromString(source, { tabWidth: RECAST_TAB_WIDTH }).toString({ tabWidth: RECAST_TAB_WIDTH, reuseWhitespace: false, useTabs: false });
}

/** Recast's default, used when it parses; printing uses the file's own width. */
const RECAST_TAB_WIDTH = 4;

/**
 * Applies one rule's fixes on a recast parse of `source`. Returns the new text, or undefined when
 * the rule found nothing to fix there (after suppression), and the fingerprints of the sites whose
 * fixes call the runtime.
 */
function applyRule(
  rule: LeakRule,
  source: string,
  filePath: string,
  parser: ParserName,
  settings: EngineSettings,
  context: FileContext,
): { output: string; runtimeUsers: Set<string> } | undefined {
  const file = recast.parse(source, { parser: recastParser(parser) }) as unknown as t.File;
  correctStatementStarts(file);
  const shared = new SharedAnalysis(file, knownTransforms(settings));
  const parsedText = recastParsedText(source);
  const layout = detectLayout(source, file, parsedText);
  const ctx = new RuleContext({
    file,
    source: parsedText,
    filePath,
    parser,
    options: optionsFor(settings, rule),
    runtimeImport: settings.runtimeImport,
    mode: 'fix',
    shared,
    layout,
    fileContext: context,
    runtimeInLibraries: settings.runtimeInLibraries,
    runtimeInBrowser: settings.runtimeInBrowser,
  });
  if (shared.comments.ignoreFile) return undefined;
  const sites = detectWithPolicies(rule, ctx, shared);
  const fixes = applicableSites(sites, rule, shared, parsedText, settings);
  if (fixes.length === 0) return undefined;
  const directives = file.program.directives.map((d) => parsedText.slice(d.start ?? 0, d.end ?? 0));
  // Which sites' fixes call the runtime (`Finding.usesRuntime`), by fingerprint.
  let prints: string[] | undefined;
  const runtimeUsers = new Set<string>();
  for (const site of fixes) {
    const uses = ctx.runtime.uses;
    site.fix!();
    if (ctx.runtime.uses > uses) runtimeUsers.add((prints ??= fingerprintsOf(sites, rule, shared, parsedText))[sites.indexOf(site)]);
  }
  let printed = retabChangedLines(source, undoubleDirectiveSemicolons(printWithLayout(file, layout), directives, source), layout);
  if (layout.semicolons === false) printed = dropPrintedSemicolons(source, printed, parseForDetection(printed, parser), layout);
  // Output that does not parse throws a SyntaxError here (when imports are added) or in the
  // caller's check; either way it is reported as output of this rule that does not parse.
  return { output: addRuntimeImports(printed, ctx.runtime.requests, settings.runtimeImport, parser, filePath, layout, importKindOf(context)), runtimeUsers };
}

/** The import style the context asks for, when it decides one (`esm` / `cjs`). */
function importKindOf(context: FileContext): 'esm' | 'cjs' | undefined {
  return context.moduleKind === 'esm' || context.moduleKind === 'cjs' ? context.moduleKind : undefined;
}

/** A rule's sites with the context's site policies applied (no fix inside test callbacks or signal handlers). */
function detectWithPolicies(rule: LeakRule, ctx: RuleContext, shared: SharedAnalysis): Site[] {
  const sites = rule.detect(ctx);
  if (!sites.some((site) => site.status === 'fixable')) return sites;
  return new SitePolicies(shared.index, () => shared.scope).apply(sites);
}

/** Packages a project strips or checks Flow types with. */
const FLOW_TOOLS = ['flow-bin', '@babel/preset-flow', '@babel/plugin-transform-flow-strip-types', 'babel-preset-flow', 'flow-remove-types'];

function usesFlow(context: FileContext): boolean {
  const dependencies = context.package?.dependencies ?? [];
  return FLOW_TOOLS.some((tool) => dependencies.includes(tool));
}

/**
 * A .js file that is not JavaScript but parses as Flow, in a package that uses Flow: projects
 * that strip Flow types with Babel need no `@flow` pragma (parse-server's `export function
 * loadAdapter<T>(...): T`). Tried only after the JavaScript parse failed, and with Babel's own
 * default for files without the pragma (`a < b > (c)` stays two comparisons).
 */
function parseAsFlow(body: string): t.File | undefined {
  try {
    return parseForDetection(body, 'flow');
  } catch {
    return undefined;
  }
}

/**
 * Runs the rules on one file. `context` is where the file runs (lib/context: the runner resolves
 * it with I/O, cached per folder); without it, it is classified from the path and text alone.
 */
export function processSource(filePath: string, source: string, settings: EngineSettings, context: FileContext = classifyFile(filePath, source)): FileOutcome {
  const outcome = processWithContext(filePath, source, settings, context);
  return { ...outcome, context };
}

function processWithContext(filePath: string, source: string, settings: EngineSettings, context: FileContext): Omit<FileOutcome, 'context'> {
  const { prefix, body, lineOffset } = splitPrefix(source);
  if (isTestRole(context.role) && settings.rules.length > 0 && settings.rules.every((rule) => skipsThisTestFile(settings, rule, context))) {
    return { status: 'skipped', reason: `${context.role}-file`, message: `${context.role} file (${context.roleEvidence}); --include-tests transforms it`, findings: [], parsed: false };
  }
  const rules = activeRules(settings, context, body);
  // Unused-ignore reporting must see ignore comments in files no prefilter matches.
  if (rules.length === 0 && !(settings.reportUnusedIgnores && body.includes('leakfix-ignore'))) return { status: 'unchanged', findings: [], parsed: false };

  let parser = parserForFile(filePath, body, settings.parser);
  let file: t.File;
  try {
    file = parseForDetection(body, parser);
  } catch (error) {
    const flow = parser === 'babel' && settings.parser === undefined && usesFlow(context) ? parseAsFlow(body) : undefined;
    if (!flow) return { status: 'error', reason: 'parse-error', message: describeParseError(error, lineOffset), findings: [], parser, parsed: true };
    file = flow;
    parser = 'flow';
  }

  const shared = new SharedAnalysis(file, knownTransforms(settings));
  if (shared.comments.ignoreFile) return { status: 'skipped', reason: 'ignore-file', findings: [], parser, parsed: true };

  const findings: Finding[] = [];
  const fixableRules = new Set<LeakRule>();
  for (const rule of rules) {
    let sites: Site[];
    try {
      sites = detectOn(rule, file, body, shared, filePath, parser, settings, context);
    } catch (error) {
      return internalError(rule, error, parser);
    }
    const ruleFindings = toFindings(sites, rule, shared, body, lineOffset);
    if (ruleFindings.some((f) => f.status === 'fixable' && accepted(settings, f.fingerprint))) fixableRules.add(rule);
    findings.push(...ruleFindings);
  }
  const unused = settings.reportUnusedIgnores ? unusedIgnores(shared, settings, context, lineOffset) : undefined;
  const withIgnores = (outcome: FileOutcome): FileOutcome => (unused && unused.length > 0 ? { ...outcome, unusedIgnores: unused } : outcome);

  if (settings.mode === 'audit' || fixableRules.size === 0) {
    return withIgnores({ status: 'unchanged', findings, parser, parsed: true });
  }

  // Rules run in their fixed order, each on the previous one's output. A rule with nothing fixable
  // in the original still runs once an earlier rule changed the text, so one pass reaches the
  // fixpoint a second run would find.
  let current = body;
  // The fast AST of `current` once an earlier rule changed it (the parse that checked its output).
  let changed: { file: t.File; shared: SharedAnalysis } | undefined;
  const changedBy = new Set<string>();
  const runtimeUsers = new Set<string>();
  for (const rule of rules) {
    let output: string | undefined;
    try {
      // A recast parse costs several fast ones: pay it only for a rule with something to fix.
      const hasFixes = changed
        ? applicableSites(detectOn(rule, changed.file, current, changed.shared, filePath, parser, settings, context), rule, changed.shared, current, settings).length > 0
        : fixableRules.has(rule);
      if (!hasFixes) continue;
      const applied = applyRule(rule, current, filePath, parser, settings, context);
      for (const print of applied?.runtimeUsers ?? []) runtimeUsers.add(print);
      output = applied?.output;
      if (output !== undefined && output !== current) {
        const checked = parseForDetection(output, parser);
        changed = { file: checked, shared: new SharedAnalysis(checked, knownTransforms(settings)) };
      }
    } catch (error) {
      if (!isSyntaxError(error)) return internalError(rule, error, parser);
      return {
        status: 'error',
        reason: 'internal-error',
        transform: rule.meta.name,
        message: `${rule.meta.name} produced output that does not parse: ${describeParseError(error, lineOffset)}`,
        findings,
        parser,
        parsed: true,
      };
    }
    if (output === undefined || output === current) continue;
    changedBy.add(rule.meta.name);
    current = output;
  }

  for (const finding of findings) {
    if (finding.status !== 'fixable' || !changedBy.has(finding.transform) || !accepted(settings, finding.fingerprint)) continue;
    finding.status = 'fixed';
    if (runtimeUsers.has(finding.fingerprint)) finding.usesRuntime = true;
  }
  if (current === body) return withIgnores({ status: 'unchanged', findings, parser, parsed: true });
  const changedOutcome: FileOutcome = { status: 'changed', output: prefix + current, findings, parser, parsed: true };
  if (importsModule(current, settings.runtimeImport) && !importsModule(body, settings.runtimeImport)) changedOutcome.runtimeImportAdded = true;
  return withIgnores(changedOutcome);
}

/** A cheap textual check: the text imports or requires `specifier`. */
function importsModule(text: string, specifier: string): boolean {
  if (!text.includes(specifier)) return false;
  return new RegExp(`(?:\\bfrom\\s*|\\brequire\\s*\\(\\s*|\\bimport\\s*)['"]${escapeRegExp(specifier)}['"]`).test(text);
}

function knownTransforms(settings: EngineSettings): readonly string[] {
  return settings.knownTransforms ?? settings.rules.map((r) => r.meta.name);
}

function accepted(settings: EngineSettings, fingerprint: string): boolean {
  return settings.onlySites === undefined || settings.onlySites.has(fingerprint);
}

/** The sites to fix: fixable, not suppressed, and (with `onlySites`) accepted by fingerprint. */
function applicableSites(sites: readonly Site[], rule: LeakRule, shared: SharedAnalysis, source: string, settings: EngineSettings): Site[] {
  const fingerprints = settings.onlySites ? fingerprintsOf(sites, rule, shared, source) : undefined;
  return sites.filter((site, i) => isApplicable(site, shared, rule) && (!fingerprints || settings.onlySites!.has(fingerprints[i])));
}

/**
 * Ignore comments that suppressed nothing, among those whose transforms all ran on this file
 * (a rule that skips test files did not run on one, so its ignores there are not judged).
 */
function unusedIgnores(shared: SharedAnalysis, settings: EngineSettings, context: FileContext, lineOffset: number): UnusedIgnore[] {
  const known = knownTransforms(settings);
  const ran = new Set(settings.rules.filter((rule) => !skipsThisTestFile(settings, rule, context)).map((rule) => rule.meta.name));
  const out: UnusedIgnore[] = [];
  for (const directive of shared.comments.ignores) {
    if (directive.used) continue;
    const names = directive.transforms ?? settings.rules.map((r) => r.meta.name);
    const unknown = directive.transforms?.filter((n) => !known.includes(n)) ?? [];
    if (!names.every((n) => ran.has(n) || !known.includes(n))) continue;
    const item: UnusedIgnore = { line: directive.line + lineOffset, text: directive.text };
    if (unknown.length > 0) item.unknown = unknown;
    out.push(item);
  }
  return out;
}

function detectOn(
  rule: LeakRule,
  file: t.File,
  source: string,
  shared: SharedAnalysis,
  filePath: string,
  parser: ParserName,
  settings: EngineSettings,
  context: FileContext,
): Site[] {
  const ctx = new RuleContext({
    file,
    source,
    filePath,
    parser,
    options: optionsFor(settings, rule),
    runtimeImport: settings.runtimeImport,
    mode: 'detect',
    shared,
    fileContext: context,
    runtimeInLibraries: settings.runtimeInLibraries,
    runtimeInBrowser: settings.runtimeInBrowser,
  });
  return detectWithPolicies(rule, ctx, shared);
}

/** A fixable site that no `// leakfix-ignore` comment (for this rule) suppresses. */
function isApplicable(site: Site, shared: SharedAnalysis, rule: LeakRule): boolean {
  return site.status === 'fixable' && site.fix !== undefined && !shared.comments.isSuppressed(nodeLoc(site.node)?.start.line ?? -1, rule.meta.name);
}

/** Babel's parse errors carry a position; errors thrown by rule code do not. */
function isSyntaxError(error: unknown): boolean {
  return error instanceof SyntaxError && typeof (error as { loc?: unknown }).loc === 'object';
}

function internalError(rule: LeakRule, error: unknown, parser: ParserName): Omit<FileOutcome, 'context'> {
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 'error',
    reason: 'internal-error',
    transform: rule.meta.name,
    message: `${rule.meta.name} failed: ${firstLine(message)}`,
    findings: [],
    parser,
    parsed: true,
  };
}
