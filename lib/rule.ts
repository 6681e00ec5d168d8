/**
 * The contract every leakfix transform implements, in the spirit of ESLint rules: a `meta` that
 * describes the rule (name, prefilter, options, pattern ids, refusal reasons) and a `detect` that
 * returns Sites. Rewriting is the `fix` closure on each fixable Site, so the code that decides a
 * site is safe and the code that rewrites it are never apart.
 */
import type * as t from '@babel/types';
import type { Site } from './findings';
import type { ParserName } from './parsers';
import { AstIndex } from './analysis/ast';
import { ScopeAnalysis } from './analysis/scope';
import { CommentIndex } from './analysis/comments';
import { Template } from './analysis/template';
import { RuntimeImports } from './analysis/imports';
import type { Layout } from './layout';
import type { FileContext } from './context/types';
import { classifyFile } from './context/classify';
import { runtimeRefusal, type RuntimeRefusal } from './context/policies';

export type OptionType = 'boolean' | 'string' | 'number' | 'string[]';
export type OptionValue = boolean | string | number | string[];

export interface OptionSpec {
  type: OptionType;
  default: OptionValue;
  description: string;
}

export interface RuleMeta {
  /** The transform's name, also its file name under `transforms/`. */
  name: string;
  /** One line, shown by `leakfix list`. */
  description: string;
  /** Files whose text does not match are never parsed for this rule. Keep it cheap and complete. */
  prefilter: RegExp;
  /**
   * Optional: the prefilter for a run with these option values, when options widen what the rule
   * looks at (track-async's typed mode must see files that only call imported functions).
   */
  prefilterFor?(options: RuleOptions): RegExp;
  /**
   * Test and fixture files (role `test` / `fixture` of the file context, lib/context) are skipped
   * unless `includeTests` is set (the rule option, `--include-tests` or the config key).
   */
  skipsTestFiles: boolean;
  options: Record<string, OptionSpec>;
  /** Pattern id → what the pattern is (audit, SARIF rule help). */
  patterns: Record<string, string>;
  /** Refusal reason code → why leakfix leaves such a site alone. */
  reasons: Record<string, string>;
}

export interface LeakRule {
  meta: RuleMeta;
  detect(ctx: RuleContext): Site[];
  /**
   * Optional per-run state a rule builds outside the per-file time limit (track-async's typed
   * mode: one TypeScript Program per tsconfig). When `needed(options)` holds, the runner uses a
   * single thread, so the state is built once per run, and calls `file()` before each file's time
   * starts.
   */
  prepare?: {
    needed(options: RuleOptions): boolean;
    file(absolutePath: string, options: RuleOptions): RulePreparation;
  };
}

/** What preparing one file did: a state built (and how long it took), or a notice for the run. */
export interface RulePreparation {
  built?: { label: string; ms: number };
  /** One line for the run's notices; the same text from many files is printed once, with a count. */
  notice?: string;
}

/** Option values resolved against a rule's spec; every read is typed and checked. */
export class RuleOptions {
  constructor(
    private readonly specs: Record<string, OptionSpec>,
    private readonly values: Readonly<Record<string, unknown>> = {},
  ) {}

  private get(name: string, type: OptionType): OptionValue {
    const spec = this.specs[name];
    if (!spec || spec.type !== type) throw new Error(`option ${name} is not declared as ${type}`);
    const value = this.values[name];
    return value === undefined ? spec.default : (value as OptionValue);
  }

  bool(name: string): boolean {
    return this.get(name, 'boolean') as boolean;
  }
  string(name: string): string {
    return this.get(name, 'string') as string;
  }
  number(name: string): number {
    return this.get(name, 'number') as number;
  }
  strings(name: string): string[] {
    return this.get(name, 'string[]') as string[];
  }
}

const INCLUDE_TESTS: OptionSpec = {
  type: 'boolean',
  default: false,
  description: 'Also transform test and fixture files (role test/fixture: test folders and names, test-runner configs, test-framework imports), which are skipped by default (same as --include-tests).',
};

/** A rule's declared options plus the ones every rule of its kind has. */
export function optionSpecs(meta: RuleMeta): Record<string, OptionSpec> {
  return meta.skipsTestFiles ? { includeTests: INCLUDE_TESTS, ...meta.options } : meta.options;
}

/** Checks user-supplied option values against a rule's spec; returns error messages naming the key. */
export function validateRuleOptions(meta: RuleMeta, values: Record<string, unknown>, where: string): string[] {
  const errors: string[] = [];
  const specs = optionSpecs(meta);
  for (const [key, value] of Object.entries(values)) {
    const spec = specs[key];
    if (!spec) {
      errors.push(`${where}.${key}: unknown option of ${meta.name} (valid: ${Object.keys(specs).join(', ') || 'none'})`);
      continue;
    }
    const ok =
      spec.type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === spec.type;
    if (!ok) errors.push(`${where}.${key}: expected ${spec.type}, got ${JSON.stringify(value)}`);
  }
  return errors;
}

export interface ContextInit {
  file: t.File;
  /** The text the AST's offsets index into (in fix mode: recast's normalised copy of the file). */
  source: string;
  filePath: string;
  parser: ParserName;
  options: RuleOptions;
  runtimeImport: string;
  /** `fix` when the AST is recast's and fixes will run; `detect` for the fast, read-only parse. */
  mode: 'detect' | 'fix';
  shared?: SharedAnalysis;
  /** The file's style, in fix mode: code built by templates follows it. */
  layout?: Layout;
  /** Where the file runs (lib/context): role, module kind, nearest package. Default: classified from the path and source. */
  fileContext?: FileContext;
  /** Fixes that add the runtime are allowed in published library packages. */
  runtimeInLibraries?: boolean;
  /** Fixes that add the runtime are allowed in browser code. */
  runtimeInBrowser?: boolean;
}

/** Analyses that do not depend on the rule, built once per parsed file and shared by all rules. */
export class SharedAnalysis {
  private scopeAnalysis: ScopeAnalysis | undefined;
  private commentIndex: CommentIndex | undefined;
  readonly index: AstIndex;

  /** `knownTransforms`: the names a scoped `// leakfix-ignore a, b` may list. */
  constructor(
    readonly file: t.File,
    private readonly knownTransforms?: readonly string[],
  ) {
    this.index = new AstIndex(file);
  }

  get scope(): ScopeAnalysis {
    this.scopeAnalysis ??= new ScopeAnalysis(this.file);
    return this.scopeAnalysis;
  }

  get comments(): CommentIndex {
    this.commentIndex ??= new CommentIndex(this.file, this.index.nodes, this.knownTransforms);
    return this.commentIndex;
  }
}

export class RuleContext {
  readonly file: t.File;
  readonly source: string;
  readonly filePath: string;
  readonly parser: ParserName;
  readonly options: RuleOptions;
  readonly mode: 'detect' | 'fix';
  readonly template: Template;
  readonly runtime: RuntimeImports;
  /** Where the file runs: `role` (test, fixture, entry, script, browser-script, library, application), `moduleKind`, `package`. */
  readonly fileContext: FileContext;
  private readonly shared: SharedAnalysis;
  private readonly runtimeInLibraries: boolean;
  private readonly runtimeInBrowser: boolean;

  constructor(init: ContextInit) {
    this.file = init.file;
    this.source = init.source;
    this.filePath = init.filePath;
    this.parser = init.parser;
    this.options = init.options;
    this.mode = init.mode;
    this.shared = init.shared ?? new SharedAnalysis(init.file);
    this.template = new Template(init.parser, init.layout);
    this.runtime = new RuntimeImports(this, init.runtimeImport);
    this.fileContext = init.fileContext ?? classifyFile(init.filePath, init.source);
    this.runtimeInLibraries = init.runtimeInLibraries === true;
    this.runtimeInBrowser = init.runtimeInBrowser === true;
  }

  /**
   * Why a fix that needs the runtime (`ctx.runtime.use`) must not be made in this file: a classic
   * script, a TypeScript global script, browser code (unless runtimeInBrowser), a published
   * library (unless runtimeInLibraries). Rules
   * report such sites as refused with this reason instead of fixable.
   */
  runtimeRefusal(): RuntimeRefusal | undefined {
    return runtimeRefusal(this.fileContext, { runtimeInLibraries: this.runtimeInLibraries, runtimeInBrowser: this.runtimeInBrowser, specifier: this.runtime.specifier });
  }

  get index(): AstIndex {
    return this.shared.index;
  }
  get scope(): ScopeAnalysis {
    return this.shared.scope;
  }
  get comments(): CommentIndex {
    return this.shared.comments;
  }

  /** True when `name` at `node` is the global (no local binding shadows it). */
  isGlobal(name: string, node: t.Node): boolean {
    return this.scope.isGlobal(name, node, (n) => this.index.parent(n));
  }
}
