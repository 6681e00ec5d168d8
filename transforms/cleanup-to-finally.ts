/**
 * cleanup-to-finally: a cleanup repeated on every normal exit moves into one `finally`, so it also
 * runs when something throws (JavaScript's `defer ticker.Stop()`).
 *
 * A resource is a local `const` (or a `let`/`var` never reassigned) with a recognised cleanup:
 * `clearTimeout(r)`, `clearInterval(r)`, `r.release()`, `r.close()`, ... (configurable). When every
 * normal exit after the acquisition (each `return`, the fall-through end, each `break`/`continue`
 * leaving the block) already calls the same cleanup as the last thing touching `r`, the rest of the
 * block is wrapped in `try { ... } finally { cleanup }` and the original calls are removed; an
 * existing `try/catch` is extended instead of nested; resources acquired in order nest LIFO; in a
 * loop body the `try` is per iteration. `.then(cb).catch(cb)` whose handlers both start with the
 * cleanup get one `.finally(() => { cleanup })`.
 *
 * Refused (unchanged, reported with a reason): the resource escapes (returned, yielded, stored,
 * passed to `resolve`), cleanups differ in arguments (`release(err)`), `r` is used or something
 * awaited after the cleanup, the cleanup is in a callback, `r` is reassigned or a property, a guard
 * not about `r`, a normal exit without the cleanup, a graceful `r.end()` (report-only by default),
 * a watchdog timer (its callback closes or kills something else), code after an awaited release
 * or an `abort()` that could see its effects, a multi-line string that re-indenting would change,
 * cleanup arguments that could change by the time a finally runs, a cleanup inside a larger
 * expression, a resource bound outside a plain block (parameter, loop head, switch case), wrapped
 * statements declaring names used after them, `with` or loops the analysis cannot settle, and a
 * promise chain whose handlers use the resource after the cleanup or that is not its last use,
 * any code between a cleanup and its exit that could observe the release (a call, an assert, a
 * log; sync cleanups too: `code-after-cleanup`), a handle that may be null with guards that differ
 * (`nullable-handle`), a timer or listener callback that still uses the resource after a throw
 * (`handler-uses-resource`), and a handle destructured from another object. Two resources keep
 * their release order (the inner one is fixed only when the outer one is too, in the same run); a
 * cleanup merged into an existing `finally` goes at its end; a `finally` whose `try` starts after
 * awaited work is widened to start at the acquisition.
 * Managed (GREEN): a cleanup in a `finally` that covers every exit, or in a disposer the acquiring
 * function returns (`return () => clearTimeout(t)`). Not reported: `setInterval` handles unless
 * fixable (supervise-intervals grades them), `abort()` from a callback (a cancellation signal),
 * modules and literals (`fs.close(fd)` releases `fd`, not `fs`).
 *
 *   const client = await pool.connect();          const client = await pool.connect();
 *   const { rows } = await client.query(sql);     try {
 *   if (!rows.length) {                             const { rows } = await client.query(sql);
 *     client.release();                     →       if (!rows.length) {
 *     return null;                                    return null;
 *   }                                               }
 *   client.release();                               return rows[0];
 *   return rows[0];                               } finally {
 *                                                   client.release();
 *                                                 }
 */
import type * as t from '@babel/types';
import { fixable, managed, refused, type Site } from '../lib/findings';
import type { LeakRule, RuleContext, RuleOptions } from '../lib/rule';
import { toJscodeshiftTransform } from '../lib/jscodeshift-adapter';
import { isCall, isFunction, memberPath, walk, type Node } from '../lib/analysis/ast';
import { DEFAULT_CLEANUP_METHODS, TIMER_CLEARS } from '../lib/analysis/resources';
import type { Binding } from '../lib/analysis/scope';
import { detectLayout } from '../lib/layout';
import { isWithin } from '../lib/analysis/control-flow';
import { currentPlace, type WithComments } from '../lib/analysis/edit';
import {
  IDEMPOTENT_CLEANUPS,
  cleanupTarget,
  finallyText,
  isAboutCleanup,
  propertyCleanupPath,
  refersTo,
  statementShape,
  textOf,
  type AnyCall,
  type CleanupCall,
  type CleanupConfig,
  type CleanupStatement,
} from '../lib/analysis/cleanup-calls';
import { nullableHandle, runsOnlyWhenAbsent } from '../lib/analysis/nullability';
import { releasedTooEarly, traceResource, type ResourceTrace } from '../lib/analysis/release-trace';
import { aliasedSource, escapeOf, holdsInterval, holdsNoResource, inNestedFunction, isIntervalCreation, returnedDisposer, type Disposer } from '../lib/analysis/resource-ownership';
import { scheduledUser, watchdogAction } from '../lib/analysis/resource-callbacks';
import {
  acquisitionStatement,
  enclosingBlock,
  executorAssignment,
  finallyCoverage,
  hasMultilineLiteral,
  mergeTarget,
  regionDeclarationsEscape,
  stableCleanupInputs,
  usedOutside,
  widenPlan,
  type LateTry,
} from '../lib/analysis/finally-plan';
import { attachComments, isPlainRethrow, removeStatement } from '../lib/analysis/cleanup-edits';
import { chainStatementOf, chainStatementText, cleanupChain, inPromiseFinally, type ChainRewrite } from '../lib/analysis/cleanup-chain';

const NAME = 'cleanup-to-finally';

const PATTERNS = {
  'cleanup-not-on-throw-path': 'A resource is released on every normal exit but not when an exception is thrown; the cleanup belongs in a finally.',
  'cleanup-some-paths': 'A resource is released on some exits only; a blanket finally would change the paths that keep it.',
  'cleanup-in-finally': 'A resource released in a finally that covers every exit (managed).',
  'cleanup-every-path': 'A resource released on every exit, with nothing between acquisition and release that can throw (managed).',
  'cleanup-promise-chain': 'A promise chain whose .then and .catch handlers both start with the same cleanup; one .finally covers both.',
  'property-cleanup': 'A resource held on a property (this.timer) that is released and re-armed in the same method.',
  'cleanup-returned-disposer': 'A resource released by a function the acquiring function returns on every normal exit (an effect cleanup, an unsubscribe): the caller owns the release (managed).',
} as const;

const REASONS = {
  'resource-escapes': 'The resource is returned, yielded, stored (object, field, outer variable, collection) or passed to resolve: its owner is elsewhere.',
  'cleanup-arguments-differ': 'The cleanup calls differ (release(err) on the error path versus release()): one finally cannot do both.',
  'use-after-cleanup': 'On some path the resource is used, or something is awaited, after the cleanup and before leaving: a finally would release it later than now.',
  'cleanup-in-callback': 'The cleanup runs inside a nested function (a callback has another lifetime).',
  reassigned: 'The binding is reassigned, so the finally could release a different resource.',
  'property-resource': 'The resource is held on a property: it is often cleared and re-armed, and other code may own it.',
  'guard-not-about-resource': 'The cleanup is guarded by a condition that is not about the resource (if (endWhenDone) span.end()).',
  'exit-without-cleanup': 'Some normal exit (return, fall-through, break/continue) leaves without the cleanup: that path keeps the resource, deliberately or not.',
  'finally-does-not-cover': 'The cleanup is in a finally, but code before that try can throw or leave without it.',
  'report-only-cleanup': 'The cleanup (e.g. r.end(), a graceful end) is report-only: ending gracefully on an error path is questionable.',
  'cleanup-arguments-not-stable': 'The cleanup reads values that are declared after the acquisition, reassigned or computed, so running it later in a finally could pass different arguments.',
  'cleanup-not-a-statement': 'A cleanup call is part of a larger expression or sits where it cannot be removed on its own.',
  'unsupported-acquisition': 'The resource is not bound by a statement in a block (a parameter, a loop head, a switch case), or is used outside that block.',
  'declarations-escape-region': 'The statements to wrap declare names used outside them (or imports/exports), which a try block would hide.',
  'unsupported-control-flow': 'The code uses control flow the analysis does not model (with, a loop that does not settle).',
  'chain-handler-uses-resource': 'A .then/.catch handler uses the resource after its cleanup.',
  'chain-not-last-use': 'The promise chain is not the last use of the resource.',
  'code-after-cleanup':
    'On some path, code runs between the cleanup and the exit it protects (a call, an assert, a log, a child process, an assignment, a variable a callback changes) and could see what the release did: in a finally it would run before the release.',
  'handler-uses-resource':
    'A callback scheduled with the resource (a timer, an event listener) uses it and may run after a throw: the original left the resource open for it, a finally would release it under that callback.',
  'nullable-handle':
    'The handle may be null or undefined (a conditional or optional acquisition, or some cleanups guard it and others do not): a finally would throw a TypeError where the original did not, or skip one where it threw.',
  'multiline-literal':
    'The code the rewrite would re-indent holds a multi-line template literal (or a string with a line continuation): re-indenting it would change the string.',
  'watchdog-timer':
    'The timer is a watchdog: its callback releases or stops something else (session.close(), a kill, process.exit). When the code throws, the original still enforces that deadline; a finally would cancel it.',
} as const;

type Pattern = keyof typeof PATTERNS;
type Reason = keyof typeof REASONS;

const DEFAULT_REPORT_ONLY = ['end'];
const DEFAULT_FUNCTIONS = Object.values(TIMER_CLEARS);

export const rule: LeakRule = {
  meta: {
    name: NAME,
    description: 'Cleanup that runs on every normal exit (release, close, clearTimeout, ...) moves into one finally, so throws release too.',
    prefilter: prefilterFor(DEFAULT_CLEANUP_METHODS, DEFAULT_FUNCTIONS, DEFAULT_REPORT_ONLY),
    prefilterFor: (options: RuleOptions) =>
      prefilterFor(options.strings('cleanupMethods'), options.strings('cleanupFunctions'), options.strings('reportOnlyMethods')),
    skipsTestFiles: true,
    options: {
      cleanupMethods: {
        type: 'string[]',
        default: [...DEFAULT_CLEANUP_METHODS],
        description: 'Methods that release their receiver: r.release(), r.close(), ...',
      },
      cleanupFunctions: {
        type: 'string[]',
        default: [...DEFAULT_FUNCTIONS],
        description: 'Global functions that release their first argument: clearTimeout(t), clearInterval(t), ...',
      },
      reportOnlyMethods: {
        type: 'string[]',
        default: [...DEFAULT_REPORT_ONLY],
        description: 'Cleanup methods that are analysed and reported but never moved (r.end(): a graceful end on an error path is questionable).',
      },
    },
    patterns: { ...PATTERNS },
    reasons: { ...REASONS },
  },
  detect,
};

export default toJscodeshiftTransform(rule);

/** Files with no cleanup call at all: a method call `.close(` (also `?.close(`) or a `clearTimeout(`. */
function prefilterFor(methods: readonly string[], functions: readonly string[], reportOnly: readonly string[]): RegExp {
  const alternatives = (names: readonly string[]): string => names.map((n) => n.replace(/[^\w$]/g, '')).filter(Boolean).join('|') || '(?!)';
  return new RegExp(`\\.\\s*(?:${alternatives([...methods, ...reportOnly])})\\s*\\(|\\b(?:${alternatives(functions)})\\s*\\(`);
}

// ---------------------------------------------------------------------------------------------
// Detection

function readConfig(options: RuleOptions): CleanupConfig {
  return {
    methods: options.strings('cleanupMethods'),
    functions: options.strings('cleanupFunctions'),
    reportOnly: options.strings('reportOnlyMethods'),
  };
}

function detect(ctx: RuleContext): Site[] {
  const config = readConfig(ctx.options);
  const byBinding = new Map<Binding, CleanupCall[]>();
  const propertyCalls: Array<{ call: AnyCall; path: string }> = [];
  for (const node of ctx.index.nodes) {
    if (!isCall(node)) continue;
    const cleanup = cleanupTarget(ctx, node, config);
    if (cleanup) {
      const binding = ctx.scope.resolve(cleanup.target);
      if (binding) byBinding.set(binding, [...(byBinding.get(binding) ?? []), cleanup]);
      continue;
    }
    const path = propertyCleanupPath(ctx, node, config);
    if (path?.startsWith('this.')) propertyCalls.push({ call: node, path });
  }
  const analysed = new Map<Binding, Site | undefined>();
  for (const [binding, cleanups] of byBinding) analysed.set(binding, analyseResource(ctx, config, binding, cleanups));
  settleNestedResources(ctx, config, byBinding, analysed);
  const sites: Site[] = [];
  for (const [binding, site] of analysed) {
    // supervise-intervals grades every setInterval handle; this rule only offers its rewrite.
    if (site && (site.status === 'fixable' || !holdsInterval(ctx, binding))) sites.push(site);
  }
  sites.push(...propertySites(ctx, propertyCalls));
  // Source order, except that resources bound by one statement (`const a = x(), b = y();`) are
  // fixed last-first: each fix wraps what follows the statement, so the last fix is outermost.
  const order = (site: Site): [number, number] => {
    const parent = site.node.type === 'VariableDeclarator' ? ctx.index.parent(site.node) : undefined;
    return parent ? [parent.start ?? 0, -(site.node.start ?? 0)] : [site.node.start ?? 0, 0];
  };
  return sites.sort((a, b) => {
    const [a1, a2] = order(a);
    const [b1, b2] = order(b);
    return a1 - b1 || a2 - b2;
  });
}

/** The plan behind each fixable wrap site, for the resources nested inside its region. */
const PLANS = new WeakMap<Site, Plan>();

/**
 * A resource whose cleanup is followed by the cleanup of an enclosing resource (`b.close();
 * a.release(); return`) is refused on its own (code after its release), but when the enclosing one
 * is fixed too, that cleanup moves into an outer finally, which runs after this one's: the order is
 * kept. Re-analysed with those cleanups as inert until nothing changes, so one run fixes both.
 * Suppressed (`leakfix-ignore`) sites do not count: their cleanup stays where it is.
 */
function settleNestedResources(ctx: RuleContext, config: CleanupConfig, byBinding: ReadonlyMap<Binding, CleanupCall[]>, analysed: Map<Binding, Site | undefined>): void {
  for (let round = 0; round < 4; round++) {
    const plans = [...analysed.values()]
      .filter((site): site is Site => site?.status === 'fixable' && !ctx.comments.isSuppressed(site.node.loc?.start.line ?? -1))
      .map((site) => PLANS.get(site))
      .filter((plan): plan is Plan => plan !== undefined);
    let progress = false;
    for (const [binding, site] of analysed) {
      if (site?.status !== 'refused' || (site.reason !== 'code-after-cleanup' && site.reason !== 'use-after-cleanup')) continue;
      const declaration = ctx.index.parent(binding.declaration);
      if (!declaration) continue;
      const later = new Set<Node>();
      for (const plan of plans) {
        const block = ctx.index.parent(plan.declaration);
        const scope = plan.mergeInto ? plan.mergeInto.block : block;
        if (!scope || plan.declaration === declaration || !isWithin(declaration, scope) || (declaration.start ?? 0) < (plan.declaration.end ?? 0)) continue;
        for (const cleanup of plan.cleanups) later.add(cleanup.statement);
      }
      if (later.size === 0) continue;
      const again = analyseResource(ctx, config, binding, byBinding.get(binding) ?? [], later);
      if (again?.status === 'fixable') {
        analysed.set(binding, again);
        progress = true;
      }
    }
    if (!progress) return;
  }
}

/**
 * `this.timer` released in a method that also (re)assigns it: reported, never moved. A property
 * the method assigns a `setInterval` handle is supervise-intervals' to report.
 */
function propertySites(ctx: RuleContext, calls: ReadonlyArray<{ call: AnyCall; path: string }>): Site[] {
  const sites: Site[] = [];
  const seen = new Set<string>();
  for (const { call, path } of calls) {
    const owner = ctx.index.closest(call, (n): n is t.Function => isFunction(n) && n.type !== 'ArrowFunctionExpression');
    if (!owner) continue;
    const key = `${owner.start}|${path}`;
    if (seen.has(key)) continue;
    let assigned = false;
    let interval = false;
    walk(owner, (n) => {
      if (n.type === 'AssignmentExpression' && memberPath(n.left) === path) {
        assigned = true;
        if (isIntervalCreation(ctx, n.right)) interval = true;
      }
      return !interval;
    });
    if (!assigned || interval) continue;
    seen.add(key);
    sites.push(
      refused('property-cleanup', call, 'yellow', 'property-resource', `\`${path}\` is released and re-armed in the same method; property-held resources are not moved into a finally.`),
    );
  }
  return sites;
}

interface Plan {
  /** The statement that acquires the resource: the region to wrap follows it. */
  declaration: t.Statement;
  cleanups: CleanupStatement[];
  text: string;
  /** The existing try to extend with a finally, instead of wrapping the region. */
  mergeInto?: t.TryStatement;
}

/**
 * The site of one local resource and its cleanup calls: managed, refused (the first reason that
 * applies, in the order the checks run), fixable with a plan, or undefined when the binding holds
 * no resource of its own. `later`: cleanup statements of enclosing resources that move to an outer
 * finally in the same run (settleNestedResources).
 */
function analyseResource(ctx: RuleContext, config: CleanupConfig, binding: Binding, cleanupCalls: readonly CleanupCall[], later: ReadonlySet<Node> = new Set()): Site | undefined {
  if (binding.kind !== 'const' && binding.kind !== 'let' && binding.kind !== 'var') return undefined;
  const declarator = binding.declaration;
  if (declarator.type !== 'VariableDeclarator') return undefined;
  const declaration = ctx.index.parent(declarator);
  if (!declaration || declaration.type !== 'VariableDeclaration') return undefined;
  if (holdsNoResource(ctx, declarator.init)) return undefined;
  const name = binding.name;
  const siteNode: Node = declarator;
  const refuse: Refuse = (pattern, reason, message) => refused(pattern, siteNode, 'yellow', reason, message);

  const fn = ctx.index.enclosingFunction(declaration);
  if (!fn) return undefined;
  const references = binding.references;
  const disposers = new Map<CleanupCall, Disposer>();
  for (const cleanup of cleanupCalls) {
    if (!inNestedFunction(ctx, cleanup.call, fn)) continue;
    const disposer = returnedDisposer(ctx, cleanup, fn);
    if (disposer) disposers.set(cleanup, disposer);
  }
  // `abort()` from a timer or event callback signals a deadline or a cancel; it releases nothing.
  const releases = cleanupCalls.filter((c) => !(c.kind === 'abort' && !disposers.has(c) && inNestedFunction(ctx, c.call, fn)));
  if (releases.length === 0) return undefined;
  const ownCleanups = releases.filter((c) => !inNestedFunction(ctx, c.call, fn));

  const acquisition = acquisitionStatement(ctx, declarator, declaration, binding);
  const inFinally = existingFinallySite(ctx, config, binding, declaration, acquisition, ownCleanups, refuse);
  if (inFinally) return inFinally;

  // `let t; const p = new Promise((resolve) => { t = setTimeout(...); });`: assigned once, at once.
  const executor = executorAssignment(ctx, binding, declarator, declaration, acquisition, ownCleanups);
  if (!executor && references.some((r) => r.write)) return refuse('cleanup-some-paths', 'reassigned', `\`${name}\` is reassigned; the cleanup might release a different resource.`);
  const anchor: t.Statement = executor ? acquisition : declaration;

  if (declarator.id.type !== 'Identifier') {
    return refuse('cleanup-some-paths', 'property-resource', `\`${name}\` is destructured from \`${textOf(ctx, declarator.init ?? declarator).split('\n')[0]}\`: the resource was acquired, and is owned, where that object keeps it.`);
  }
  const alias = executor ? undefined : aliasedSource(declarator.init);
  if (alias === 'property') {
    return refuse('cleanup-some-paths', 'property-resource', `\`${name}\` is a copy of a property (\`${textOf(ctx, declarator.init!)}\`): the resource was acquired, and is owned, elsewhere.`);
  }
  if (alias === 'binding') {
    return refuse('cleanup-not-on-throw-path', 'unsupported-acquisition', `\`${name}\` is not acquired where it is bound (no initializer, or a copy of another binding).`);
  }

  const block = enclosingBlock(ctx, declaration);
  if (!block) return refuse('cleanup-not-on-throw-path', 'unsupported-acquisition', `\`${name}\` is not bound by a statement directly in a block.`);
  const at = block.body.indexOf(anchor);
  const region = block.body.slice(at + 1);
  if (region.length === 0) return undefined;
  const regionStart = region[0].start ?? 0;
  const regionEnd = region[region.length - 1].end ?? 0;

  // Cleanups inside callbacks (other than returned disposers): the promise-chain form, or a refusal.
  const nested = releases.filter((c) => inNestedFunction(ctx, c.call, fn) && !disposers.has(c));
  if (nested.length > 0) {
    if (ownCleanups.length === 0 && disposers.size === 0) {
      if (nested.length === 1 && inPromiseFinally(ctx, nested[0])) {
        return managed('cleanup-in-finally', siteNode, `\`${name}\` is released in a promise's .finally callback, which runs on every outcome.`);
      }
      const chain = promiseChain(ctx, binding, nested);
      if (chain) return chain;
    }
    return refuse('cleanup-some-paths', 'cleanup-in-callback', `\`${name}\` is released inside a callback, which has another lifetime.`);
  }

  if (usedOutside(binding, declaration, anchor, regionStart, regionEnd)) {
    return refuse('cleanup-not-on-throw-path', 'unsupported-acquisition', `\`${name}\` is used outside the block it is bound in.`);
  }

  const cleanups = cleanupStatements(ctx, ownCleanups, name, refuse);
  if (!Array.isArray(cleanups)) return cleanups;

  const disposerFunctions = [...disposers.values()].map((d) => d.fn);
  for (const reference of references) {
    if (disposerFunctions.some((d) => isWithin(reference.identifier, d))) continue;
    const escape = escapeOf(ctx, reference.identifier as t.Identifier);
    if (escape) return refuse('cleanup-some-paths', 'resource-escapes', `\`${name}\` is ${escape} (line ${reference.identifier.loc?.start.line}); its owner releases it elsewhere.`);
  }

  const signatures = new Set(cleanups.map((c) => c.signature));
  if (signatures.size > 1) {
    return refuse('cleanup-some-paths', 'cleanup-arguments-differ', `\`${name}\` is released differently on different paths (${[...signatures].join(' / ')}).`);
  }

  if (disposers.size > 0) return disposerSite(ctx, config, binding, region, cleanups, [...disposers.values()]);

  const unstable = cleanups.find((c) => !stableCleanupInputs(ctx, c, regionStart, regionEnd, binding));
  if (unstable) {
    return refuse('cleanup-not-on-throw-path', 'cleanup-arguments-not-stable', `\`${textOf(ctx, unstable.call)}\` reads values that could differ when a finally runs it.`);
  }

  if (regionDeclarationsEscape(ctx, region, regionStart, regionEnd)) {
    return refuse('cleanup-not-on-throw-path', 'declarations-escape-region', `The code after \`${name}\` declares names used outside it; wrapping it in a try would hide them.`);
  }

  const trace = traceResource(ctx, config, region, cleanups, references.map((r) => r.identifier), new Set(), later);
  const traced = traceRefusal(ctx, binding, trace, refuse);
  if (traced) return traced;
  // Worth a finally when a throw leaks the resource, or when the cleanup is repeated per exit
  // (catch + rethrow): one finally replaces the copies that every new exit must remember.
  // A throw taken when `r` is absent (`if (!shard) throw new RangeError(...)`) leaks nothing.
  const absent = refersTo(ctx, binding);
  const leaksOnThrow = trace.exits.some((e) => e.kind === 'throw' && !e.state.released && !runsOnlyWhenAbsent(ctx, e.node, absent));
  if (!leaksOnThrow && cleanups.length < 2) {
    return managed('cleanup-every-path', siteNode, `\`${name}\` is released on every exit and nothing before that can throw.`);
  }

  const throwPath = throwPathRefusal(ctx, config, binding, declarator, region, cleanups, leaksOnThrow ? fn : undefined, refuse);
  if (throwPath) return throwPath;

  const mergeInto = mergeTarget(ctx, config, region, cleanups, name);
  // Wrapping moves the region one level in; recast re-indents every line of it, literal text included.
  if (!mergeInto && region.some(hasMultilineLiteral)) {
    return refuse('cleanup-not-on-throw-path', 'multiline-literal', `The code after \`${name}\` holds a multi-line string; wrapping it in a try would re-indent the string's text.`);
  }
  // An exit taken when `r` is absent now passes the finally: clearTimeout(undefined) is harmless, r.release() is not.
  const absentExit = trace.exits.some((e) => !e.state.released && runsOnlyWhenAbsent(ctx, e.node, absent));
  const absentGuard = absentExit && !cleanups.every((c) => IDEMPOTENT_CLEANUPS.has(c.kind)) ? name : undefined;
  const plan: Plan = { declaration: anchor, cleanups, text: finallyText(ctx, cleanups, absentGuard), mergeInto };
  const kind = cleanups[0].kind;
  const site = fixable(
    'cleanup-not-on-throw-path',
    siteNode,
    'yellow',
    leaksOnThrow
      ? `\`${name}\` is released (${kind}) on every normal exit but not when something throws; the cleanup moves into a finally.`
      : `\`${name}\` is released (${kind}) by a copy on every exit; one finally replaces the copies.`,
    () => applyPlan(ctx, plan),
  );
  PLANS.set(site, plan);
  return site;
}

type Refuse = (pattern: Pattern, reason: Reason, message: string) => Site;

/**
 * A cleanup already in a finally: managed when that finally covers every exit; when its try
 * starts too late (after awaited work), fixable by widening the try; else refused. Undefined
 * when no cleanup is in a finally.
 */
function existingFinallySite(
  ctx: RuleContext,
  config: CleanupConfig,
  binding: Binding,
  declaration: t.VariableDeclaration,
  acquisition: t.Statement,
  ownCleanups: readonly CleanupCall[],
  refuse: Refuse,
): Site | undefined {
  const name = binding.name;
  const coverage = finallyCoverage(ctx, config, declaration, acquisition, ownCleanups, binding.references.map((r) => r.identifier));
  if (coverage.verdict === 'covers') return managed('cleanup-in-finally', binding.declaration, `\`${name}\` is released in a finally that covers every exit.`);
  if (coverage.verdict === 'none') return undefined;
  const widen = coverage.late && ownCleanups.length === 1 ? widenPlan(ctx, coverage.late, binding, [declaration.start ?? 0, acquisition.end ?? 0]) : undefined;
  if (widen) {
    return fixable(
      'cleanup-not-on-throw-path',
      binding.declaration,
      'yellow',
      `\`${name}\` is released in a finally whose try starts too late: code between the acquisition and the try can throw; the try now starts right after the acquisition.`,
      () => applyWiden(ctx, widen),
    );
  }
  return refuse('cleanup-not-on-throw-path', 'finally-does-not-cover', `\`${name}\` is released in a finally, but code between its acquisition and that try can throw or leave without it.`);
}

/** The cleanups as statements that can move into a finally whole, or the refusal of the first that cannot. */
function cleanupStatements(ctx: RuleContext, ownCleanups: readonly CleanupCall[], name: string, refuse: Refuse): CleanupStatement[] | Site {
  const cleanups: CleanupStatement[] = [];
  for (const cleanup of ownCleanups) {
    const shape = statementShape(ctx, cleanup);
    if (shape.kind === 'foreign-guard') {
      return refuse('cleanup-some-paths', 'guard-not-about-resource', `\`${textOf(ctx, cleanup.call)}\` runs only under a condition that is not about \`${name}\`.`);
    }
    if (shape.kind === 'not-a-statement') {
      return refuse('cleanup-not-on-throw-path', 'cleanup-not-a-statement', `\`${textOf(ctx, cleanup.call)}\` is part of a larger expression.`);
    }
    cleanups.push(shape.cleanup);
  }
  return cleanups;
}

/** What the trace rules out: control flow it cannot follow, a normal exit that keeps the resource, anything after a release. */
function traceRefusal(ctx: RuleContext, binding: Binding, trace: ResourceTrace, refuse: Refuse): Site | undefined {
  const name = binding.name;
  if (trace.unsupported.length > 0) return refuse('cleanup-not-on-throw-path', 'unsupported-control-flow', `The code after \`${name}\` uses control flow leakfix does not model.`);
  const unreleased = trace.exits.filter((e) => e.kind !== 'throw' && !e.state.released);
  const withoutCleanup = unreleased.find((e) => !runsOnlyWhenAbsent(ctx, e.node, refersTo(ctx, binding)));
  if (withoutCleanup) {
    const line = withoutCleanup.node.loc?.start.line;
    const how = withoutCleanup.kind === 'end' ? 'the end of the block' : `a \`${withoutCleanup.kind}\``;
    return refuse('cleanup-some-paths', 'exit-without-cleanup', `\`${name}\` is not released on one path: ${how} (line ${line}) leaves without it.`);
  }
  const late = releasedTooEarly(trace);
  if (late?.state.taint === 'effect') {
    return refuse(
      'cleanup-not-on-throw-path',
      'code-after-cleanup',
      `After \`${name}\` is released, \`${textOf(ctx, late.state.at!).split('\n')[0]}\` (line ${late.state.at?.loc?.start.line}) runs before leaving: in a finally it would run before the release, and could see a different state.`,
    );
  }
  if (late) {
    const what = late.state.taint === 'await' ? 'something is awaited' : `\`${name}\` is used`;
    return refuse('cleanup-not-on-throw-path', 'use-after-cleanup', `After \`${name}\` is released, ${what} (line ${late.state.at?.loc?.start.line}) before leaving.`);
  }
  return undefined;
}

/**
 * What changes on the throw path once the release is in a finally: a callback scheduled with the
 * resource, or a watchdog's deadline, no longer outlives the throw (checked when the resource
 * leaks on a throw: `leakingIn` is the acquiring function); a report-only cleanup; a handle that
 * may be absent.
 */
function throwPathRefusal(
  ctx: RuleContext,
  config: CleanupConfig,
  binding: Binding,
  declarator: t.VariableDeclarator,
  region: readonly t.Statement[],
  cleanups: readonly CleanupStatement[],
  leakingIn: Node | undefined,
  refuse: Refuse,
): Site | undefined {
  const name = binding.name;
  const handler = leakingIn ? scheduledUser(ctx, binding.references.map((r) => r.identifier), leakingIn) : undefined;
  if (handler) {
    return refuse(
      'cleanup-not-on-throw-path',
      'handler-uses-resource',
      `\`${textOf(ctx, handler).split('\n')[0]}\` (line ${handler.loc?.start.line}) schedules a callback that uses \`${name}\`: after a throw it may still run, and a finally would have released \`${name}\` under it.`,
    );
  }

  const watchdog = leakingIn ? watchdogAction(ctx, declarator) : undefined;
  if (watchdog) {
    return refuse(
      'cleanup-not-on-throw-path',
      'watchdog-timer',
      `\`${name}\` is a watchdog (\`${watchdog}\` when it fires): if the code throws, the original still enforces that deadline, and a finally would cancel it.`,
    );
  }

  const reportOnly = cleanups.find((c) => config.reportOnly.includes(c.kind));
  if (reportOnly) {
    return refuse('cleanup-not-on-throw-path', 'report-only-cleanup', `\`${textOf(ctx, reportOnly.call)}\` is not moved into a finally: a graceful end on an error path is questionable.`);
  }

  const nullable = nullableHandle(ctx, binding, declarator, region, cleanups);
  if (nullable?.kind === 'guards-differ') {
    return refuse(
      'cleanup-not-on-throw-path',
      'nullable-handle',
      `\`${name}\` is released with a guard on some paths (\`${textOf(ctx, nullable.guarded.statement)}\`) and without one on others: a finally would change which path throws a TypeError.`,
    );
  }
  if (nullable?.kind === 'unchecked') {
    return refuse(
      'cleanup-not-on-throw-path',
      'nullable-handle',
      `\`${name}\` may be null or undefined (\`${textOf(ctx, declarator.init ?? declarator).split('\n')[0]}\`) and no cleanup checks it: in a finally, \`${textOf(ctx, cleanups[0].call)}\` would replace the original error with a TypeError.`,
    );
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The disposer-return form: `const t = setTimeout(...); return () => clearTimeout(t);`

/**
 * Graded GREEN when every normal exit after the acquisition releases the resource or returns a
 * disposer that does: ownership passes to the caller, like returning the resource itself. A throw
 * before the hand-over is out of scope here, as for any function that returns what it acquired.
 */
function disposerSite(ctx: RuleContext, config: CleanupConfig, binding: Binding, region: readonly t.Statement[], cleanups: readonly CleanupStatement[], disposers: readonly Disposer[]): Site {
  const name = binding.name;
  const siteNode = binding.declaration;
  const trace = traceResource(ctx, config, region, cleanups, binding.references.map((r) => r.identifier), new Set(disposers.map((d) => d.returned)));
  if (trace.unsupported.length > 0) return refused('cleanup-not-on-throw-path', siteNode, 'yellow', 'unsupported-control-flow', `The code after \`${name}\` uses control flow leakfix does not model.`);
  const withoutCleanup = trace.exits.find((e) => e.kind !== 'throw' && !e.state.released && !runsOnlyWhenAbsent(ctx, e.node, refersTo(ctx, binding)));
  if (withoutCleanup) {
    const how = withoutCleanup.kind === 'end' ? 'the end of the block' : `a \`${withoutCleanup.kind}\``;
    return refused(
      'cleanup-some-paths',
      siteNode,
      'yellow',
      'exit-without-cleanup',
      `\`${name}\` is released by a returned disposer, but ${how} (line ${withoutCleanup.node.loc?.start.line}) leaves without releasing it or returning the disposer.`,
    );
  }
  const late = releasedTooEarly(trace);
  if (late) {
    return refused('cleanup-not-on-throw-path', siteNode, 'yellow', 'use-after-cleanup', `After \`${name}\` is released, it is used (line ${late.state.at?.loc?.start.line}) before leaving.`);
  }
  return managed('cleanup-returned-disposer', siteNode, `\`${name}\` is released by the disposer this function returns; its caller owns the release.`);
}

// ---------------------------------------------------------------------------------------------
// The promise-chain form: X.then(cb).catch(cb) → X.then(cb').catch(cb').finally(() => { C(r); })

/** The promise-chain form for a resource released only in `.then` and `.catch` handlers; undefined when it is not that shape. */
function promiseChain(ctx: RuleContext, binding: Binding, nested: readonly CleanupCall[]): Site | undefined {
  const chain = cleanupChain(ctx, nested);
  if (!chain) return undefined;
  const { thenCall, catchCall, handlers } = chain;
  const name = binding.name;
  if (handlers[0].cleanup.signature !== handlers[1].cleanup.signature) {
    return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'cleanup-arguments-differ', `The .then and .catch handlers release \`${name}\` differently.`);
  }
  const cleanupStatements = handlers.map((h) => h.cleanup.statement);
  for (const reference of binding.references) {
    const id = reference.identifier;
    if (cleanupStatements.some((s) => isWithin(id, s))) continue;
    if (handlers.some((h) => isWithin(id, h.fn))) {
      return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'chain-handler-uses-resource', `A handler uses \`${name}\` after releasing it (line ${id.loc?.start.line}).`);
    }
    if ((id.start ?? 0) > (thenCall.start ?? 0)) {
      return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'chain-not-last-use', `\`${name}\` is used after the promise chain (line ${id.loc?.start.line}).`);
    }
  }
  if (hasMultilineLiteral(chainStatementOf(ctx, catchCall) ?? catchCall)) {
    return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'multiline-literal', `The promise chain holds a multi-line string; rebuilding the chain would re-indent the string's text.`);
  }
  const plan: ChainRewrite = { catchCall, cleanups: handlers.map((h) => h.cleanup), text: finallyText(ctx, handlers.map((h) => h.cleanup)) };
  return fixable(
    'cleanup-promise-chain',
    binding.declaration,
    'yellow',
    `\`${name}\` is released first thing in both .then and .catch; one .finally does it on every outcome.`,
    () => applyChainPlan(ctx, plan),
  );
}

// ---------------------------------------------------------------------------------------------
// Rewriting. Earlier fixes move statements around, so every fix finds its nodes' current place.

function finallyBlock(ctx: RuleContext, text: string): t.TryStatement {
  const statement = ctx.template.statement(`try {\n} finally {\n  ${text}\n}`);
  if (statement.type !== 'TryStatement' || !statement.finalizer) throw new Error(`${NAME}: bad try template`);
  return statement;
}

function applyPlan(ctx: RuleContext, plan: Plan): void {
  const root = ctx.file;
  const comments: t.Comment[] = [];
  for (const cleanup of plan.cleanups) comments.push(...removeStatement(root, cleanup.statement, isAboutCleanup(cleanup)));
  const wrapper = finallyBlock(ctx, plan.text);
  const finalizer = wrapper.finalizer!;
  attachComments(finalizer.body[0], comments);
  if (plan.mergeInto) {
    const target = plan.mergeInto;
    // What the finally ran before the cleanup (which ran after the try) still runs before it.
    if (target.finalizer) target.finalizer.body.push(...finalizer.body);
    else target.finalizer = finalizer;
    if (isPlainRethrow(target.handler)) target.handler = null;
    return;
  }
  const place = currentPlace(root, plan.declaration);
  if (!place?.list) throw new Error(`${NAME}: acquisition is not in a list`);
  const region = place.list.splice(place.list.indexOf(plan.declaration) + 1) as t.Statement[];
  wrapper.block.body = region;
  place.list.push(wrapper);
}

function applyChainPlan(ctx: RuleContext, plan: ChainRewrite): void {
  const statement = chainStatementOf(ctx, plan.catchCall);
  const text = statement ? chainStatementText(ctx, plan, statement, detectLayout(ctx.source, ctx.file)) : undefined;
  let replacement: t.Statement | undefined;
  try {
    replacement = text === undefined ? undefined : ctx.template.statement(text);
  } catch {
    replacement = undefined; // e.g. a `yield` that only parses inside its generator
  }
  if (!statement || !replacement) {
    applyChainPlanOnTree(ctx, plan);
    return;
  }
  const place = currentPlace(ctx.file, statement);
  if (!place?.list) throw new Error(`${NAME}: promise chain statement not found`);
  const comments = (statement as WithComments).comments;
  if (comments?.length) (replacement as WithComments).comments = [...comments];
  place.list.splice(place.list.indexOf(statement), 1, replacement);
}

/** Fallback for chains whose text cannot be re-indented: the same edit on the tree (recast may indent it oddly). */
function applyChainPlanOnTree(ctx: RuleContext, plan: ChainRewrite): void {
  const root = ctx.file;
  const comments: t.Comment[] = [];
  for (const cleanup of plan.cleanups) comments.push(...removeStatement(root, cleanup.statement));
  const finallyCall = ctx.template.expression(`__leakfixChain.finally(() => {\n  ${plan.text}\n})`);
  if (finallyCall.type !== 'CallExpression' || finallyCall.callee.type !== 'MemberExpression') throw new Error(`${NAME}: bad .finally template`);
  const arrow = finallyCall.arguments[0];
  if (arrow.type === 'ArrowFunctionExpression' && arrow.body.type === 'BlockStatement') attachComments(arrow.body.body[0], comments);
  const catchCall = plan.catchCall;
  const catchCallee = catchCall.callee as t.MemberExpression;
  const catchHandler = catchCall.arguments[0];
  const rethrowOnly =
    isFunction(catchHandler) &&
    catchHandler.body.type === 'BlockStatement' &&
    isPlainRethrow({ type: 'CatchClause', param: catchHandler.params[0] as t.Identifier, body: catchHandler.body } as t.CatchClause);
  // The original `.catch(...)` node becomes the `.finally(...)` call, so recast keeps the chain's layout.
  if (rethrowOnly) {
    catchCallee.property = finallyCall.callee.property;
    catchCall.arguments = finallyCall.arguments;
    return;
  }
  const keptCatch = { ...catchCall };
  finallyCall.callee.object = keptCatch as t.CallExpression;
  const place = currentPlace(root, catchCall);
  if (!place) throw new Error(`${NAME}: promise chain not found`);
  if (place.list) place.list.splice(place.list.indexOf(catchCall), 1, finallyCall);
  else (place.parent as unknown as Record<string, unknown>)[place.key] = finallyCall;
}

function applyWiden(ctx: RuleContext, late: LateTry): void {
  const place = currentPlace(ctx.file, late.tryStatement);
  if (!place?.list) throw new Error(`${NAME}: try statement is not in a list`);
  const at = place.list.indexOf(late.tryStatement);
  const moved = place.list.splice(at - late.between.length, late.between.length) as t.Statement[];
  late.tryStatement.block.body.unshift(...moved);
}

