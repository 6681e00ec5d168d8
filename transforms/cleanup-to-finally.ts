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
import { isCall, isFunction, memberPath, unwrapExpression, walk, type Node } from '../lib/analysis/ast';
import { DEFAULT_CLEANUP_METHODS, TIMER_CLEARS, globalTimerCall } from '../lib/analysis/resources';
import type { Binding } from '../lib/analysis/scope';
import { detectLayout, type Layout } from '../lib/layout';
import { canCompleteNormally, canThrow, regionExits, traceRegion, type FlowDomain, type RegionExit } from '../lib/analysis/control-flow';

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
/** Clears are idempotent: clearing a timer twice on a throw path is not a use after cleanup. */
const IDEMPOTENT = new Set(DEFAULT_FUNCTIONS);

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
// What a cleanup looks like

interface Config {
  methods: readonly string[];
  functions: readonly string[];
  reportOnly: readonly string[];
}

type AnyCall = t.CallExpression | t.OptionalCallExpression;

/** A cleanup call on a resource: `clearTimeout(t)`, `client.release()`, `r?.close()`. */
interface CleanupCall {
  call: AnyCall;
  /** `release`, `clearTimeout`, ... */
  kind: string;
  /** The identifier naming the resource inside the call. */
  target: t.Identifier;
}

/** A statement that is nothing but a cleanup, possibly guarded: it moves into the finally whole. */
interface CleanupStatement extends CleanupCall {
  statement: t.Statement;
  /** The call's text with `?.` as `.` and no whitespace: equal signatures are the same cleanup. */
  signature: string;
  /** The guard's text (`t`, `client != null`), for `if (g) C` and `g && C`. */
  guard?: string;
  guardForm?: 'if' | 'and';
  awaited: boolean;
}

/** The node's text. In fix mode `ctx.source` is the normalised text recast parsed, so offsets match. */
function textOf(ctx: RuleContext, node: Node): string {
  return ctx.source.slice(node.start ?? 0, node.end ?? 0);
}

/** The resource named by a cleanup call, when `call` is one. */
function cleanupTarget(ctx: RuleContext, call: AnyCall, config: Config): CleanupCall | undefined {
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier' && config.functions.includes(callee.name)) {
    const [arg] = call.arguments;
    const target = arg ? unwrapExpression(arg) : undefined;
    if (target?.type === 'Identifier' && ctx.isGlobal(callee.name, callee)) return { call, kind: callee.name, target };
    return undefined;
  }
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier') {
    const object = unwrapExpression(callee.object);
    const method = callee.property.name;
    if (object.type === 'Identifier' && (config.methods.includes(method) || config.reportOnly.includes(method))) return { call, kind: method, target: object };
  }
  return undefined;
}

/** The member path a cleanup releases when it is a property (`clearTimeout(this.timer)`, `this.conn.close()`). */
function propertyCleanupPath(ctx: RuleContext, call: AnyCall, config: Config): string | undefined {
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier' && config.functions.includes(callee.name) && ctx.isGlobal(callee.name, callee)) {
    const [arg] = call.arguments;
    const target = arg ? unwrapExpression(arg) : undefined;
    return target && target.type !== 'Identifier' ? memberPath(target) : undefined;
  }
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier') {
    const object = unwrapExpression(callee.object);
    const method = callee.property.name;
    if (object.type !== 'Identifier' && (config.methods.includes(method) || config.reportOnly.includes(method))) return memberPath(object);
  }
  return undefined;
}

/** `r`, `!!r`, `r != null`, `r !== undefined`, `typeof r !== 'undefined'`, and `&&` of those. */
/** Whether an identifier names the resource: by binding, so an inner declaration of the same name is another value. */
type RefersTo = (id: t.Identifier) => boolean;

function refersTo(ctx: RuleContext, target: t.Identifier | Binding): RefersTo {
  const binding = 'references' in target ? target : ctx.scope.resolve(target);
  return (id) => id.name === target.name && ctx.scope.resolve(id) === binding;
}

function isGuardAbout(test: Node, name: RefersTo): boolean {
  const n = unwrapExpression(test);
  const isName = (x: Node): boolean => {
    const u = unwrapExpression(x);
    return u.type === 'Identifier' && name(u);
  };
  const isNullish = (x: Node): boolean => {
    const u = unwrapExpression(x);
    return u.type === 'NullLiteral' || (u.type === 'Identifier' && u.name === 'undefined') || (u.type === 'UnaryExpression' && u.operator === 'void');
  };
  if (isName(n)) return true;
  if (n.type === 'UnaryExpression' && n.operator === '!' && unwrapExpression(n.argument).type === 'UnaryExpression') {
    const inner = unwrapExpression(n.argument) as t.UnaryExpression;
    return inner.operator === '!' && isName(inner.argument);
  }
  if (n.type === 'BinaryExpression' && (n.operator === '!=' || n.operator === '!==')) {
    const { left, right } = n;
    if ((isName(left) && isNullish(right)) || (isNullish(left) && isName(right))) return true;
    const typeofName = (x: Node): boolean => {
      const u = unwrapExpression(x);
      return u.type === 'UnaryExpression' && u.operator === 'typeof' && isName(u.argument);
    };
    const undefinedText = (x: Node): boolean => {
      const u = unwrapExpression(x);
      return u.type === 'StringLiteral' && u.value === 'undefined';
    };
    return (typeofName(left) && undefinedText(right)) || (undefinedText(left) && typeofName(right));
  }
  if (n.type === 'LogicalExpression' && n.operator === '&&') return isGuardAbout(n.left, name) && isGuardAbout(n.right, name);
  return false;
}

type StatementShape =
  | { kind: 'statement'; cleanup: CleanupStatement }
  | { kind: 'foreign-guard'; statement: t.Statement }
  | { kind: 'not-a-statement' };

/** Where a cleanup call sits: alone in a statement (maybe guarded), under a foreign guard, or inside an expression. */
function statementShape(ctx: RuleContext, cleanup: CleanupCall): StatementShape {
  const { index } = ctx;
  let node: Node = cleanup.call;
  let parent = index.parent(node);
  while (parent && (parent.type === 'ParenthesizedExpression' || parent.type.startsWith('TS'))) {
    node = parent;
    parent = index.parent(node);
  }
  let awaited = false;
  if (parent?.type === 'AwaitExpression') {
    awaited = true;
    node = parent;
    parent = index.parent(node);
  }
  const name = cleanup.target.name;
  const signature = `${awaited ? 'await ' : ''}${textOf(ctx, cleanup.call).replace(/\s+/g, '').replace(/\?\./g, '.')}`;
  const base = { ...cleanup, signature, awaited };
  let guard: Node | undefined;
  let guardForm: 'if' | 'and' | undefined;
  if (parent?.type === 'LogicalExpression' && parent.operator === '&&' && parent.right === node) {
    guard = parent.left;
    guardForm = 'and';
    node = parent;
    parent = index.parent(node);
  }
  if (parent?.type !== 'ExpressionStatement') return { kind: 'not-a-statement' };
  let statement: t.Statement = parent;
  if (!guard) {
    let holder = index.link(statement);
    let inner: t.Statement = statement;
    if (holder?.parent.type === 'BlockStatement' && holder.parent.body.length === 1) {
      inner = holder.parent;
      holder = index.link(inner);
    }
    if (holder?.parent.type === 'IfStatement' && holder.key === 'consequent' && !holder.parent.alternate) {
      guard = holder.parent.test;
      guardForm = 'if';
      statement = holder.parent;
    }
  }
  if (guard && !isGuardAbout(guard, refersTo(ctx, cleanup.target))) return { kind: 'foreign-guard', statement };
  if (!index.link(statement)?.inList) return { kind: 'not-a-statement' };
  return { kind: 'statement', cleanup: { ...base, statement, guard: guard ? textOf(ctx, guard) : undefined, guardForm } };
}

/** The text the finally gets: the most guarded form among the cleanups (a guard about `r` is harmless everywhere). */
function finallyText(ctx: RuleContext, cleanups: readonly CleanupStatement[], guardName?: string): string {
  const pick =
    cleanups.find((c) => c.guardForm === 'if') ??
    cleanups.find((c) => c.guardForm === 'and') ??
    cleanups.find((c) => c.call.type === 'OptionalCallExpression' || (c.call.callee.type === 'OptionalMemberExpression')) ??
    cleanups[0];
  const call = `${pick.awaited ? 'await ' : ''}${textOf(ctx, pick.call)}`;
  const semi = cleanups.some((c) => endsWithSemicolon(ctx, c.call)) ? ';' : '';
  if (pick.guardForm === 'if') return `if (${pick.guard}) ${call}${semi}`;
  if (pick.guardForm === 'and') return `${pick.guard} && ${call}${semi}`;
  if (guardName !== undefined && pick.call.type !== 'OptionalCallExpression' && pick.call.callee.type !== 'OptionalMemberExpression') return `if (${guardName}) ${call}${semi}`;
  return `${call}${semi}`;
}

/** `!r`, `r == null`, `r === undefined`, `r === null`, `typeof r === 'undefined'`, and `||` of those. */
function isAbsenceTest(test: Node, name: RefersTo): boolean {
  const n = unwrapExpression(test);
  if (n.type === 'UnaryExpression' && n.operator === '!') return isGuardAbout(n.argument, name);
  if (n.type === 'BinaryExpression' && (n.operator === '==' || n.operator === '===')) {
    return isGuardAbout({ ...n, operator: n.operator === '==' ? '!=' : '!==' } as t.BinaryExpression, name);
  }
  if (n.type === 'LogicalExpression' && n.operator === '||') return isAbsenceTest(n.left, name) && isAbsenceTest(n.right, name);
  return false;
}

/**
 * True when `exit` (a return/break/continue) only runs when the resource is absent: inside the
 * consequent of `if (!r)` / `if (r == null)`, or the alternate of `if (r)`. Nothing to release there.
 */
function whenAbsent(ctx: RuleContext, exit: Node, name: RefersTo): boolean {
  let node: Node = exit;
  for (let parent = ctx.index.parent(node); parent && !isFunction(parent); node = parent, parent = ctx.index.parent(node)) {
    if (parent.type !== 'IfStatement') continue;
    if (parent.consequent === node && isAbsenceTest(parent.test, name)) return true;
    if (parent.alternate === node && isGuardAbout(parent.test, name)) return true;
  }
  return false;
}

/** Whether the statement holding `call` ends with `;`: the finally follows the file's semicolon style. */
function endsWithSemicolon(ctx: RuleContext, call: Node): boolean {
  const statement = ctx.index.closest(call, (n): n is t.ExpressionStatement => n.type === 'ExpressionStatement');
  return statement ? textOf(ctx, statement).trimEnd().endsWith(';') : true;
}

// ---------------------------------------------------------------------------------------------
// Detection

function readConfig(options: RuleOptions): Config {
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
function settleNestedResources(ctx: RuleContext, config: Config, byBinding: ReadonlyMap<Binding, CleanupCall[]>, analysed: Map<Binding, Site | undefined>): void {
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
        if (!scope || plan.declaration === declaration || !within(declaration, scope) || (declaration.start ?? 0) < (plan.declaration.end ?? 0)) continue;
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

const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'addEventListener', 'prependListener', 'prependOnceListener']);
const SCHEDULERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);

/**
 * The call that schedules a callback using the resource (`setTimeout(() => r.flush(), ms)`,
 * `req.on('data', (c) => out.write(c))`, `process.nextTick(...)`): such a callback may run after a
 * throw, when the original still held the resource open.
 */
function scheduledUser(ctx: RuleContext, references: readonly Node[], owner: Node): AnyCall | undefined {
  for (const reference of references) {
    for (let node: Node = reference, parent = ctx.index.parent(node); parent && node !== owner; node = parent, parent = ctx.index.parent(node)) {
      if (!isFunction(node) || !isCall(parent) || !parent.arguments.includes(node as t.Expression)) continue;
      const callee = unwrapExpression(parent.callee);
      if (callee.type === 'Identifier' && SCHEDULERS.has(callee.name) && ctx.isGlobal(callee.name, callee)) return parent;
      const path = memberPath(callee);
      const method = path?.split('.').pop();
      if (path === 'process.nextTick' || (method !== undefined && LISTENER_METHODS.has(method))) return parent;
    }
  }
  return undefined;
}

/** Words in a callee's name that say it releases, stops or ends something (`killProcess`, `close`, `exit`). */
const RELEASE_WORDS = new Set(['kill', 'terminate', 'destroy', 'close', 'abort', 'cancel', 'disconnect', 'release', 'shutdown', 'exit', 'end', 'stop', 'dispose', 'unsubscribe']);

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** `new AbortController()` bound to a local const: its signal serves this function's own work. */
function isLocalAbortController(ctx: RuleContext, receiver: Node): boolean {
  const n = unwrapExpression(receiver);
  if (n.type !== 'Identifier') return false;
  const binding = ctx.scope.resolve(n);
  const declarator = binding?.declaration;
  if (!binding || binding.references.some((r) => r.write) || declarator?.type !== 'VariableDeclarator' || !declarator.init) return false;
  const init = unwrapExpression(declarator.init);
  return init.type === 'NewExpression' && init.callee.type === 'Identifier' && init.callee.name === 'AbortController' && ctx.isGlobal('AbortController', init.callee);
}

/**
 * For a timer whose callback releases, stops or ends something when it fires (a deadline that
 * closes a session, escalates to SIGKILL, forces `process.exit`): that call's text. Aborting a local
 * `AbortController` does not count: once the code it serves has thrown, aborting it is moot.
 * A callback passed by name is followed to a local function.
 */
function watchdogAction(ctx: RuleContext, declarator: t.VariableDeclarator): string | undefined {
  const timer = declarator.init ? globalTimerCall(declarator.init, (name, at) => ctx.isGlobal(name, at)) : undefined;
  let callback: Node | undefined = timer?.call.arguments[0];
  if (callback && unwrapExpression(callback).type === 'Identifier') {
    const binding = ctx.scope.resolve(unwrapExpression(callback));
    const declaration = binding?.declaration;
    if (declaration && isFunction(declaration)) callback = declaration;
    else if (declaration?.type === 'VariableDeclarator' && declaration.init && isFunction(unwrapExpression(declaration.init))) callback = declaration.init;
    else callback = undefined;
  }
  if (!callback || !isFunction(unwrapExpression(callback))) return undefined;
  let action: string | undefined;
  walk(callback, (n) => {
    if (action) return false;
    if (!isCall(n)) return undefined;
    const callee = unwrapExpression(n.callee);
    const name =
      callee.type === 'Identifier'
        ? callee.name
        : (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier'
          ? callee.property.name
          : undefined;
    if (!name || !nameWords(name).some((w) => RELEASE_WORDS.has(w))) return undefined;
    if (name === 'abort' && callee.type !== 'Identifier' && isLocalAbortController(ctx, (callee as t.MemberExpression).object)) return undefined;
    action = textOf(ctx, n);
    return false;
  });
  return action;
}

/** `c?.()`, `r?.close()`, `if (r) r.close()`, `r && r.close()`: a cleanup that skips an absent handle. */
function isGuardedCleanup(cleanup: CleanupStatement): boolean {
  return cleanup.guardForm !== undefined || cleanup.call.type === 'OptionalCallExpression' || cleanup.call.callee.type === 'OptionalMemberExpression';
}

/** An initializer that visibly yields null or undefined on some path: `x ? open() : null`, `a?.open()`, `ok && open()`. */
function evidentlyNullable(init: Node | null | undefined): boolean {
  if (!init) return true;
  const n = unwrapExpression(init);
  switch (n.type) {
    case 'AwaitExpression':
      return evidentlyNullable(n.argument);
    case 'NullLiteral':
      return true;
    case 'Identifier':
      return n.name === 'undefined';
    case 'UnaryExpression':
      return n.operator === 'void';
    case 'ConditionalExpression':
      return evidentlyNullable(n.consequent) || evidentlyNullable(n.alternate);
    case 'LogicalExpression':
      return n.operator === '&&' || evidentlyNullable(n.right);
    case 'OptionalCallExpression':
    case 'OptionalMemberExpression':
      return true;
    case 'CallExpression':
    case 'MemberExpression':
      return evidentlyNullable(n.type === 'CallExpression' ? n.callee : n.object) && (n.type === 'CallExpression' ? n.callee : n.object).type.startsWith('Optional');
    default:
      return false;
  }
}

/** `if (!r) return;` (or any exit) first thing after the acquisition: every later cleanup sees a present handle. */
function startsWithAbsenceExit(region: readonly t.Statement[], name: RefersTo): boolean {
  const [first] = region;
  if (first?.type !== 'IfStatement' || first.alternate || !isAbsenceTest(first.test, name)) return false;
  return !canCompleteNormally([first.consequent]);
}

/**
 * Why a finally cannot release a handle that may be absent, else undefined. A release that is
 * harmless on null (clearTimeout) is always fine. Otherwise the cleanups must agree: all guarded
 * (the finally is guarded too), or all unguarded with a handle that is not visibly nullable.
 */
function nullableHandle(ctx: RuleContext, binding: Binding, declarator: t.VariableDeclarator, region: readonly t.Statement[], cleanups: readonly CleanupStatement[], name: string): string | undefined {
  if (cleanups.every((c) => IDEMPOTENT.has(c.kind)) || startsWithAbsenceExit(region, refersTo(ctx, binding))) return undefined;
  const guarded = cleanups.filter(isGuardedCleanup);
  if (guarded.length > 0 && guarded.length < cleanups.length) {
    return `\`${name}\` is released with a guard on some paths (\`${textOf(ctx, guarded[0].statement)}\`) and without one on others: a finally would change which path throws a TypeError.`;
  }
  if (guarded.length === 0 && evidentlyNullable(declarator.init)) {
    return `\`${name}\` may be null or undefined (\`${textOf(ctx, declarator.init ?? declarator).split('\n')[0]}\`) and no cleanup checks it: in a finally, \`${textOf(ctx, cleanups[0].call)}\` would replace the original error with a TypeError.`;
  }
  return undefined;
}

/** A template literal spanning lines, or a string literal with a line continuation: text that indentation changes. */
function hasMultilineLiteral(root: Node): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (n.type === 'TemplateLiteral' && n.quasis.some((q) => q.value.raw.includes('\n'))) found = true;
    if (n.type === 'StringLiteral' && ((n.extra as { raw?: string } | undefined)?.raw ?? '').includes('\n')) found = true;
    return !found;
  });
  return found;
}

/** `setInterval(...)` or `setInterval(...).unref()` with the global `setInterval`. */
function isIntervalCreation(ctx: RuleContext, value: Node | null | undefined): boolean {
  if (!value) return false;
  let n = unwrapExpression(value);
  if (n.type === 'CallExpression' && n.arguments.length === 0) {
    const callee = unwrapExpression(n.callee);
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'unref') n = unwrapExpression(callee.object);
  }
  return globalTimerCall(n, (name, at) => ctx.isGlobal(name, at))?.kind === 'setInterval';
}

/** Whether the binding is ever given a `setInterval` handle (initializer or assignment). */
function holdsInterval(ctx: RuleContext, binding: Binding): boolean {
  const declarator = binding.declaration;
  if (declarator.type === 'VariableDeclarator' && declarator.id.type === 'Identifier' && isIntervalCreation(ctx, declarator.init)) return true;
  return binding.references.some((r) => {
    const parent = ctx.index.parent(r.identifier);
    return r.write && parent?.type === 'AssignmentExpression' && parent.operator === '=' && parent.left === r.identifier && isIntervalCreation(ctx, parent.right);
  });
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

type Block = { node: t.BlockStatement | t.Program | t.StaticBlock; body: t.Statement[] };

function enclosingBlock(ctx: RuleContext, statement: t.Statement): Block | undefined {
  const link = ctx.index.link(statement);
  if (!link || !link.inList || link.key !== 'body') return undefined;
  const parent = link.parent;
  if (parent.type === 'BlockStatement' || parent.type === 'Program' || parent.type === 'StaticBlock') return { node: parent, body: parent.body };
  return undefined;
}

function within(node: Node, container: Node): boolean {
  return (node.start ?? -1) >= (container.start ?? 0) && (node.end ?? -1) <= (container.end ?? -1);
}

function inRange(node: Node, start: number, end: number): boolean {
  return (node.start ?? -1) >= start && (node.end ?? -1) <= end;
}

/** True when a function boundary lies between `node` and `fn`. */
function inNestedFunction(ctx: RuleContext, node: Node, fn: Node): boolean {
  for (const ancestor of ctx.index.ancestors(node)) {
    if (ancestor === fn) return false;
    if (isFunction(ancestor)) return true;
  }
  return false;
}

/**
 * A value that holds no resource of its own: a module (`require('fs')`, `require('events').X`,
 * `await import('x')`), or a literal the code builds (an object with a `close` method, a function).
 * Its `close(...)`/`release(...)` calls release something else (`fs.close(fd)`), or are its API.
 */
function holdsNoResource(ctx: RuleContext, init: Node | null | undefined): boolean {
  if (!init) return false;
  let n = unwrapExpression(init);
  if (n.type === 'AwaitExpression') n = unwrapExpression(n.argument);
  while (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') n = unwrapExpression(n.object);
  if (n.type === 'ImportExpression') return true;
  if (n.type === 'CallExpression') {
    const callee = unwrapExpression(n.callee);
    if (callee.type === 'Import') return true;
    const [specifier] = n.arguments;
    return callee.type === 'Identifier' && callee.name === 'require' && ctx.isGlobal('require', callee) && specifier?.type === 'StringLiteral';
  }
  return (
    n.type === 'ObjectExpression' ||
    n.type === 'ArrayExpression' ||
    n.type === 'ClassExpression' ||
    n.type === 'StringLiteral' ||
    n.type === 'NumericLiteral' ||
    n.type === 'TemplateLiteral' ||
    isFunction(n)
  );
}

/**
 * Whether an initializer only copies an existing value (`this.watcher`, `other`, nothing) rather
 * than acquiring one (a call, `new`, `await`): a copy's resource is owned where it was acquired.
 */
function aliasedSource(init: Node | null | undefined): 'property' | 'binding' | undefined {
  if (!init) return 'binding';
  let acquires = false;
  let member = false;
  walk(init, (n) => {
    if (isFunction(n)) return false;
    if (isCall(n) || n.type === 'NewExpression' || n.type === 'AwaitExpression' || n.type === 'YieldExpression' || n.type === 'TaggedTemplateExpression') acquires = true;
    if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') member = true;
    return !acquires;
  });
  if (acquires) return undefined;
  return member ? 'property' : 'binding';
}

/** How a reference hands the resource on: returned, yielded, stored, aliased, resolved. */
function escapeOf(ctx: RuleContext, reference: t.Identifier): string | undefined {
  let node: Node = reference;
  for (let parent = ctx.index.parent(node); parent; node = parent, parent = ctx.index.parent(node)) {
    switch (parent.type) {
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'AwaitExpression':
      case 'ArrayExpression':
      case 'SpreadElement':
      case 'ObjectExpression':
        continue;
      case 'ObjectProperty':
        if (parent.value === node) continue;
        return undefined;
      case 'ConditionalExpression':
        if (parent.test === node) return undefined;
        continue;
      case 'LogicalExpression':
        continue;
      case 'SequenceExpression':
        if (parent.expressions[parent.expressions.length - 1] === node) continue;
        return undefined;
      case 'ReturnStatement':
        return 'returned';
      case 'ArrowFunctionExpression':
        return parent.body === node ? 'returned from a callback' : undefined;
      case 'YieldExpression':
        return 'yielded';
      case 'AssignmentExpression':
        return parent.right === node ? 'stored' : undefined;
      case 'VariableDeclarator':
        return parent.init === node ? 'aliased to another variable' : undefined;
      case 'ClassProperty':
      case 'ClassPrivateProperty':
      case 'ExportDefaultDeclaration':
      case 'ExportSpecifier':
        return 'stored';
      case 'CallExpression':
      case 'OptionalCallExpression': {
        if (!parent.arguments.includes(node as t.Expression)) return undefined;
        const callee = unwrapExpression(parent.callee);
        if (callee.type === 'Identifier' && /^resolve/.test(callee.name)) return 'passed to resolve';
        const method = memberPath(callee)?.split('.').pop();
        if (method && ['push', 'unshift', 'set', 'add', 'splice'].includes(method)) return 'stored in a collection';
        return undefined;
      }
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Names declared at the top of `statements` that are used outside them, or module syntax a block cannot hold. */
function regionDeclarationsEscape(ctx: RuleContext, statements: readonly t.Statement[], start: number, end: number): boolean {
  for (const statement of statements) {
    if (statement.type.startsWith('Import') || statement.type.startsWith('Export') || statement.type === 'TSExportAssignment') return true;
    const ids: t.Identifier[] = [];
    if (statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration' || statement.type === 'TSEnumDeclaration') {
      if (statement.id) ids.push(statement.id);
    } else if (statement.type === 'VariableDeclaration' && statement.kind !== 'var') {
      for (const declarator of statement.declarations) {
        // Identifiers in defaults and computed keys are not declared; `declared()` skips them below.
        walk(declarator.id, (n) => {
          if (n.type === 'Identifier') ids.push(n);
        });
      }
    }
    for (const id of ids) {
      const binding = ctx.scope.declared(id);
      if (binding?.references.some((r) => !inRange(r.identifier, start, end))) return true;
    }
  }
  return false;
}

/**
 * The cleanup's arguments and guard evaluate the same in a finally: literals, and names bound
 * outside the region that are never reassigned (or globals), combined by operators.
 */
function stableCleanupInputs(ctx: RuleContext, cleanup: CleanupStatement, regionStart: number, regionEnd: number, resource: Binding): boolean {
  const inputs: Node[] = [...cleanup.call.arguments];
  if (cleanup.guardForm === 'if' && cleanup.statement.type === 'IfStatement') inputs.push(cleanup.statement.test);
  if (cleanup.guardForm === 'and' && cleanup.statement.type === 'ExpressionStatement' && cleanup.statement.expression.type === 'LogicalExpression') {
    inputs.push(cleanup.statement.expression.left);
  }
  let stable = true;
  for (const input of inputs) {
    walk(input, (n) => {
      if (!stable) return false;
      switch (n.type) {
        case 'Identifier': {
          const binding = ctx.scope.resolve(n);
          // The resource itself is proven set once before the region (never reassigned, or by an executor).
          if (binding && binding !== resource && (binding.references.some((r) => r.write) || inRange(binding.identifier, regionStart, regionEnd))) stable = false;
          return undefined;
        }
        case 'StringLiteral':
        case 'NumericLiteral':
        case 'BooleanLiteral':
        case 'NullLiteral':
        case 'BigIntLiteral':
        case 'UnaryExpression':
        case 'BinaryExpression':
        case 'LogicalExpression':
        case 'ParenthesizedExpression':
        case 'TSAsExpression':
        case 'TSNonNullExpression':
          return undefined;
        case 'TemplateLiteral':
          return undefined;
        case 'TemplateElement':
          return undefined;
        default:
          stable = false;
          return false;
      }
    });
  }
  return stable;
}

function safeCallFor(ctx: RuleContext, config: Config): (call: AnyCall) => boolean {
  return (call) => {
    const callee = unwrapExpression(call.callee);
    return callee.type === 'Identifier' && config.functions.includes(callee.name) && IDEMPOTENT.has(callee.name) && ctx.isGlobal(callee.name, callee);
  };
}

interface Plan {
  /** The statement that acquires the resource: the region to wrap follows it. */
  declaration: t.Statement;
  cleanups: CleanupStatement[];
  text: string;
  /** The existing try to extend with a finally, instead of wrapping the region. */
  mergeInto?: t.TryStatement;
}

function analyseResource(ctx: RuleContext, config: Config, binding: Binding, cleanupCalls: readonly CleanupCall[], later: ReadonlySet<Node> = new Set()): Site | undefined {
  if (binding.kind !== 'const' && binding.kind !== 'let' && binding.kind !== 'var') return undefined;
  const declarator = binding.declaration;
  if (declarator.type !== 'VariableDeclarator') return undefined;
  const declaration = ctx.index.parent(declarator);
  if (!declaration || declaration.type !== 'VariableDeclaration') return undefined;
  if (holdsNoResource(ctx, declarator.init)) return undefined;
  const name = binding.name;
  const siteNode: Node = declarator;
  const refuse = (pattern: Pattern, reason: Reason, message: string, grade: 'yellow' | 'red' = 'yellow'): Site =>
    refused(pattern, siteNode, grade, reason, message);

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

  // Already in a finally?
  const acquisition = acquisitionStatement(ctx, declarator, declaration, binding);
  const coverage = finallyCoverage(ctx, config, declaration, acquisition, ownCleanups, references.map((r) => r.identifier));
  const finallyVerdict = coverage.verdict;
  if (finallyVerdict === 'covers') return managed('cleanup-in-finally', siteNode, `\`${name}\` is released in a finally that covers every exit.`);
  if (finallyVerdict === 'partial') {
    const widen = coverage.late && ownCleanups.length === 1 ? widenPlan(ctx, coverage.late, binding, [declaration.start ?? 0, acquisition.end ?? 0]) : undefined;
    if (widen) {
      return fixable(
        'cleanup-not-on-throw-path',
        siteNode,
        'yellow',
        `\`${name}\` is released in a finally whose try starts too late: code between the acquisition and the try can throw; the try now starts right after the acquisition.`,
        () => applyWiden(ctx, widen),
      );
    }
    return refuse('cleanup-not-on-throw-path', 'finally-does-not-cover', `\`${name}\` is released in a finally, but code between its acquisition and that try can throw or leave without it.`);
  }

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

  if (references.some((r) => !within(r.identifier, declaration) && !within(r.identifier, anchor) && !inRange(r.identifier, regionStart, regionEnd))) {
    return refuse('cleanup-not-on-throw-path', 'unsupported-acquisition', `\`${name}\` is used outside the block it is bound in.`);
  }

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

  const disposerFunctions = [...disposers.values()].map((d) => d.fn);
  for (const reference of references) {
    if (disposerFunctions.some((d) => within(reference.identifier, d))) continue;
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
  if (trace.unsupported.length > 0) return refuse('cleanup-not-on-throw-path', 'unsupported-control-flow', `The code after \`${name}\` uses control flow leakfix does not model.`);
  const unreleased = trace.exits.filter((e) => e.kind !== 'throw' && !e.state.released);
  const withoutCleanup = unreleased.find((e) => !whenAbsent(ctx, e.node, refersTo(ctx, binding)));
  if (withoutCleanup) {
    const line = withoutCleanup.node.loc?.start.line;
    const how = withoutCleanup.kind === 'end' ? 'the end of the block' : `a \`${withoutCleanup.kind}\``;
    return refuse('cleanup-some-paths', 'exit-without-cleanup', `\`${name}\` is not released on one path: ${how} (line ${line}) leaves without it.`);
  }
  const late = trace.exits.find((e) => e.state.released && e.state.taint !== '');
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
  // Worth a finally when a throw leaks the resource, or when the cleanup is repeated per exit
  // (catch + rethrow): one finally replaces the copies that every new exit must remember.
  // A throw taken when `r` is absent (`if (!shard) throw new RangeError(...)`) leaks nothing.
  const absent = refersTo(ctx, binding);
  const leaksOnThrow = trace.exits.some((e) => e.kind === 'throw' && !e.state.released && !whenAbsent(ctx, e.node, absent));
  if (!leaksOnThrow && cleanups.length < 2) {
    return managed('cleanup-every-path', siteNode, `\`${name}\` is released on every exit and nothing before that can throw.`);
  }

  const handler = leaksOnThrow ? scheduledUser(ctx, references.map((r) => r.identifier), fn) : undefined;
  if (handler) {
    return refuse(
      'cleanup-not-on-throw-path',
      'handler-uses-resource',
      `\`${textOf(ctx, handler).split('\n')[0]}\` (line ${handler.loc?.start.line}) schedules a callback that uses \`${name}\`: after a throw it may still run, and a finally would have released \`${name}\` under it.`,
    );
  }

  const watchdog = leaksOnThrow ? watchdogAction(ctx, declarator) : undefined;
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

  const nullable = nullableHandle(ctx, binding, declarator, region, cleanups, name);
  if (nullable) return refuse('cleanup-not-on-throw-path', 'nullable-handle', nullable);

  const mergeInto = mergeTarget(ctx, config, region, cleanups, name);
  // Wrapping moves the region one level in; recast re-indents every line of it, literal text included.
  if (!mergeInto && region.some(hasMultilineLiteral)) {
    return refuse('cleanup-not-on-throw-path', 'multiline-literal', `The code after \`${name}\` holds a multi-line string; wrapping it in a try would re-indent the string's text.`);
  }
  // An exit taken when `r` is absent now passes the finally: clearTimeout(undefined) is harmless, r.release() is not.
  const absentExit = trace.exits.some((e) => !e.state.released && whenAbsent(ctx, e.node, absent));
  const absentGuard = absentExit && !cleanups.every((c) => IDEMPOTENT.has(c.kind)) ? name : undefined;
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

// ---------------------------------------------------------------------------------------------
// The disposer-return form: `const t = setTimeout(...); return () => clearTimeout(t);`

/** A function the acquiring function returns, whose call runs the cleanup. */
interface Disposer {
  fn: t.Function;
  /** The value `return` hands out: the function, the object holding it, or the name bound to it. */
  returned: Node;
}

/** The outermost parenthesis or type wrapper around `node`. */
function outermostWrapper(ctx: RuleContext, node: Node): Node {
  let current = node;
  for (let parent = ctx.index.parent(current); parent && parent !== current && unwrapExpression(parent) === unwrapExpression(current); parent = ctx.index.parent(current)) {
    current = parent;
  }
  return current;
}

/** The `return value` of `owner` that hands out exactly `value`, else undefined. */
function returnedBy(ctx: RuleContext, value: Node, owner: Node): Node | undefined {
  const outer = outermostWrapper(ctx, value);
  const parent = ctx.index.parent(outer);
  return parent?.type === 'ReturnStatement' && parent.argument === outer && ctx.index.enclosingFunction(parent) === owner ? parent.argument : undefined;
}

/**
 * When the cleanup runs whenever its function is called (the concise body, or a top-level
 * statement of the body, maybe guarded by the resource itself) and `owner` returns that function
 * (directly, as a property or method of a returned object literal, or through a const name it
 * returns): the disposer.
 */
function returnedDisposer(ctx: RuleContext, cleanup: CleanupCall, owner: Node): Disposer | undefined {
  const fn = ctx.index.enclosingFunction(cleanup.call);
  if (!fn || fn === owner || fn.type === 'Program' || !isFunction(fn) || fn.generator) return undefined;
  if (fn.body.type === 'BlockStatement') {
    const shape = statementShape(ctx, cleanup);
    if (shape.kind !== 'statement' || ctx.index.parent(shape.cleanup.statement) !== fn.body) return undefined;
  } else if (unwrapExpression(fn.body) !== cleanup.call) {
    return undefined;
  }
  let value: Node = fn;
  const holder = fn.type === 'ObjectMethod' ? fn : ctx.index.parent(outermostWrapper(ctx, fn));
  if (holder?.type === 'ObjectMethod' || (holder?.type === 'ObjectProperty' && holder.value === outermostWrapper(ctx, fn))) {
    const object = ctx.index.parent(holder);
    if (object?.type !== 'ObjectExpression') return undefined;
    value = object;
  }
  const direct = returnedBy(ctx, value, owner);
  if (direct) return { fn, returned: direct };
  // `const stop = () => ...; return stop;` and `function stop() { ... } return stop;`
  let name: t.Identifier | undefined;
  if (value === fn && fn.type === 'FunctionDeclaration' && fn.id) name = fn.id;
  const declarator = ctx.index.parent(outermostWrapper(ctx, value));
  if (declarator?.type === 'VariableDeclarator' && declarator.init === outermostWrapper(ctx, value) && declarator.id.type === 'Identifier') name = declarator.id;
  const binding = name ? ctx.scope.declared(name) : undefined;
  if (!binding || binding.references.some((r) => r.write)) return undefined;
  for (const reference of binding.references) {
    const returned = returnedBy(ctx, reference.identifier, owner);
    if (returned) return { fn, returned };
  }
  return undefined;
}

/**
 * Graded GREEN when every normal exit after the acquisition releases the resource or returns a
 * disposer that does: ownership passes to the caller, like returning the resource itself. A throw
 * before the hand-over is out of scope here, as for any function that returns what it acquired.
 */
function disposerSite(ctx: RuleContext, config: Config, binding: Binding, region: readonly t.Statement[], cleanups: readonly CleanupStatement[], disposers: readonly Disposer[]): Site {
  const name = binding.name;
  const siteNode = binding.declaration;
  const trace = traceResource(ctx, config, region, cleanups, binding.references.map((r) => r.identifier), new Set(disposers.map((d) => d.returned)));
  if (trace.unsupported.length > 0) return refused('cleanup-not-on-throw-path', siteNode, 'yellow', 'unsupported-control-flow', `The code after \`${name}\` uses control flow leakfix does not model.`);
  const withoutCleanup = trace.exits.find((e) => e.kind !== 'throw' && !e.state.released && !whenAbsent(ctx, e.node, refersTo(ctx, binding)));
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
  const late = trace.exits.find((e) => e.state.released && e.state.taint !== '');
  if (late) {
    return refused('cleanup-not-on-throw-path', siteNode, 'yellow', 'use-after-cleanup', `After \`${name}\` is released, it is used (line ${late.state.at?.loc?.start.line}) before leaving.`);
  }
  return managed('cleanup-returned-disposer', siteNode, `\`${name}\` is released by the disposer this function returns; its caller owns the release.`);
}

/**
 * Where the resource is acquired: its declaration, or for `let t;` with no initializer, the last
 * statement of the same block that assigns it (`const p = new Promise((r) => { t = setTimeout(r, ms); })`).
 */
function acquisitionStatement(ctx: RuleContext, declarator: t.VariableDeclarator, declaration: t.VariableDeclaration, binding: Binding): t.Statement {
  const writes = binding.references.filter((r) => r.write && !within(r.identifier, declaration));
  if (declarator.init || writes.length === 0) return declaration;
  const block = enclosingBlock(ctx, declaration);
  if (!block) return declaration;
  let last = block.body.indexOf(declaration);
  for (const write of writes) {
    const at = block.body.findIndex((s) => within(write.identifier, s));
    if (at < 0) return declaration;
    last = Math.max(last, at);
  }
  return block.body[last];
}

/**
 * `covers`: some cleanup sits directly in the finally of a try that follows the acquisition with
 * nothing in between that can throw or leave (or the acquisition is inside that try), and every use
 * of the resource is inside it. `partial`: a finally cleanup exists but does not cover.
 */
function finallyCoverage(
  ctx: RuleContext,
  config: Config,
  declaration: t.VariableDeclaration,
  acquisition: t.Statement,
  cleanups: readonly CleanupCall[],
  references: readonly Node[],
): { verdict: 'covers' | 'partial' | 'none'; late?: LateTry } {
  const acquiring = (r: Node): boolean => inRange(r, declaration.start ?? 0, acquisition.end ?? 0);
  let verdict: 'covers' | 'partial' | 'none' = 'none';
  let late: LateTry | undefined;
  for (const cleanup of cleanups) {
    const finalizer = ctx.index.closest(cleanup.call, (n): n is t.BlockStatement => n.type === 'BlockStatement' && ctx.index.link(n)?.key === 'finalizer', isFunction);
    if (!finalizer) continue;
    const tryStatement = ctx.index.parent(finalizer) as t.TryStatement;
    verdict = 'partial';
    const shape = statementShape(ctx, cleanup);
    if (shape.kind !== 'statement' || ctx.index.parent(shape.cleanup.statement) !== finalizer) continue;
    if (within(declaration, tryStatement.block)) {
      if (references.every((r) => acquiring(r) || within(r, tryStatement))) return { verdict: 'covers' };
      continue;
    }
    const block = enclosingBlock(ctx, declaration);
    if (!block) continue;
    const from = block.body.indexOf(acquisition);
    const to = block.body.indexOf(tryStatement);
    if (to < 0 || to < from) continue;
    const between = block.body.slice(from + 1, to);
    // Every use lies between the acquisition and the end of that try.
    if (!references.every((r) => acquiring(r) || inRange(r, between[0]?.start ?? tryStatement.start ?? 0, tryStatement.end ?? 0))) continue;
    if (!references.every((r) => acquiring(r) || within(r, tryStatement))) {
      late = { tryStatement, between, cleanup: shape.cleanup };
      continue;
    }
    const safeCall = safeCallFor(ctx, config);
    const quiet = between.every((s) => !canThrow(s, { safeCall })) && regionExits(between, { mayThrow: () => false }).every((e) => e.kind === 'end');
    if (quiet) return { verdict: 'covers' };
    late = { tryStatement, between, cleanup: shape.cleanup };
  }
  return { verdict, late };
}

/**
 * For `let t;` with no initializer, assigned exactly once, by a top-level statement of a `new
 * Promise(executor)` callback in the acquiring statement (the executor runs at once): true. The
 * handle is then set from that statement on. Only for timer clears, harmless if the executor threw
 * before the assignment and the handle is still undefined.
 */
function executorAssignment(
  ctx: RuleContext,
  binding: Binding,
  declarator: t.VariableDeclarator,
  declaration: t.VariableDeclaration,
  acquisition: t.Statement,
  cleanups: readonly CleanupCall[],
): boolean {
  if (binding.kind !== 'let' || declarator.init || acquisition === declaration || !cleanups.every((c) => IDEMPOTENT.has(c.kind))) return false;
  const writes = binding.references.filter((r) => r.write);
  if (writes.length !== 1) return false;
  const write = writes[0].identifier;
  if (binding.references.some((r) => !r.write && (r.identifier.start ?? 0) < (acquisition.end ?? 0))) return false;
  const assignment = ctx.index.parent(write);
  const statement = assignment && ctx.index.parent(assignment);
  if (assignment?.type !== 'AssignmentExpression' || assignment.operator !== '=' || assignment.left !== write || statement?.type !== 'ExpressionStatement') return false;
  const body = ctx.index.parent(statement);
  const executor = body && ctx.index.parent(body);
  if (body?.type !== 'BlockStatement' || !executor || !isFunction(executor) || executor.body !== body || executor.async || executor.generator) return false;
  const creation = ctx.index.parent(executor);
  if (creation?.type !== 'NewExpression' || creation.arguments[0] !== executor) return false;
  const callee = unwrapExpression(creation.callee);
  if (callee.type !== 'Identifier' || callee.name !== 'Promise' || !ctx.isGlobal('Promise', callee) || !within(creation, acquisition)) return false;
  // The executor must run as the acquiring statement runs: no function between it and that statement.
  return ctx.index.enclosingFunction(creation) === ctx.index.enclosingFunction(acquisition);
}

/** A try whose finally releases the resource but starts after code that can throw. */
interface LateTry {
  tryStatement: t.TryStatement;
  between: t.Statement[];
  cleanup: CleanupStatement;
}

/**
 * Widening that try to start right after the acquisition is the fix (not a second cleanup) when
 * awaited work runs in between and the only change is that a throw there now releases too: the
 * try has no catch (which would now catch those throws), its finally does nothing but release, the
 * code in between neither leaves (return/break) nor declares names used later, and has no
 * multi-line literal to re-indent.
 */
function widenPlan(ctx: RuleContext, late: LateTry, binding: Binding, acquired: readonly [number, number]): LateTry | undefined {
  const { tryStatement, between } = late;
  if (binding.references.some((r) => r.write && !inRange(r.identifier, acquired[0], acquired[1]))) return undefined;
  if (tryStatement.handler || !tryStatement.finalizer || tryStatement.finalizer.body.length !== 1) return undefined;
  // Awaited work between them is the leak worth a diff; code that throws only in theory
  // (building an object, `new Monitor()`) is left as it is and still reported.
  if (!between.some(containsAwait)) return undefined;
  if (late.cleanup.statement !== tryStatement.finalizer.body[0] || late.cleanup.target.name !== binding.name) return undefined;
  if (regionExits(between, { mayThrow: () => false }).some((e) => e.kind !== 'end')) return undefined;
  if (regionDeclarationsEscape(ctx, between, between[0]?.start ?? 0, tryStatement.end ?? 0)) return undefined;
  if (between.some(hasMultilineLiteral)) return undefined;
  return late;
}

function applyWiden(ctx: RuleContext, late: LateTry): void {
  const place = locate(ctx.file, late.tryStatement);
  if (!place?.list) throw new Error(`${NAME}: try statement is not in a list`);
  const at = place.list.indexOf(late.tryStatement);
  const moved = place.list.splice(at - late.between.length, late.between.length) as t.Statement[];
  late.tryStatement.block.body.unshift(...moved);
}

interface ResourceState {
  released: boolean;
  signature: string;
  /** What happened after the release: a use of the resource, an await/yield, or '' (nothing). */
  taint: '' | 'use' | 'await' | 'effect';
  at?: Node;
}

function containsAwait(node: Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n !== node && isFunction(n)) return false;
    if (n.type === 'AwaitExpression' || n.type === 'YieldExpression' || (n.type === 'ForOfStatement' && n.await)) found = true;
    return undefined;
  });
  return found;
}

/** Global constructors whose `new X(...)` only builds a value (an error to throw). */
const VALUE_CONSTRUCTORS = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'AggregateError', 'URIError', 'EvalError']);

/**
 * Whether `node` cannot observe a release, so it may run before it instead of after: literals,
 * names no other function writes, property reads, closures built from them, `new Error(...)` of
 * such values. A release runs code (close listeners, `abort()` handlers, a pool's bookkeeping, and
 * while `await r.close()` waits, other tasks), so a call, an assignment, or a name some callback
 * bumps (`closed++`) read after the release could see a different world if moved before it.
 */
function cannotObserveRelease(ctx: RuleContext, node: Node): boolean {
  let stable = true;
  walk(node, (n) => {
    if (!stable) return false;
    if (n !== node && isFunction(n)) return false;
    switch (n.type) {
      case 'Identifier': {
        const binding = ctx.scope.resolve(n);
        if (binding && writtenElsewhere(ctx, binding)) stable = false;
        break;
      }
      case 'NewExpression': {
        const callee = unwrapExpression(n.callee);
        if (!(callee.type === 'Identifier' && VALUE_CONSTRUCTORS.has(callee.name) && ctx.isGlobal(callee.name, callee))) stable = false;
        break;
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
        if (!isPureGlobalCall(ctx, n)) stable = false;
        break;
      case 'AssignmentExpression':
      case 'UpdateExpression': {
        const target = unwrapExpression(n.type === 'AssignmentExpression' ? n.left : n.argument);
        if (target.type !== 'Identifier' || !isPrivateLocal(ctx, target)) stable = false;
        break;
      }
      case 'TaggedTemplateExpression':
      case 'ArrayPattern':
      case 'ObjectPattern':
      case 'ImportExpression':
      case 'AwaitExpression':
      case 'YieldExpression':
      case 'SpreadElement':
      case 'JSXElement':
      case 'JSXFragment':
      case 'ClassExpression':
      case 'ClassDeclaration':
        stable = false;
        break;
      case 'UnaryExpression':
        if (n.operator === 'delete') stable = false;
        break;
      default:
        break;
    }
    return stable;
  });
  return stable;
}

/** Global functions that compute a value from their arguments and run no code of the program's: `JSON.parse(text)`, `Math.max(a, b)`. */
const PURE_GLOBAL_CALLS = new Set(['JSON.parse', 'Array.isArray', 'Number.isFinite', 'Number.isInteger', 'Number.isNaN', 'Number.parseInt', 'Number.parseFloat', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']);

function isPureGlobalCall(ctx: RuleContext, call: AnyCall): boolean {
  const callee = unwrapExpression(call.callee);
  const path = memberPath(callee);
  if (!path) return false;
  const root = path.split('.')[0];
  const rootNode = callee.type === 'Identifier' ? callee : (callee as t.MemberExpression).object;
  if (!ctx.isGlobal(root, rootNode)) return false;
  return PURE_GLOBAL_CALLS.has(path) || (root === 'Math' && path.split('.').length === 2);
}

/** A local of the current function that no nested function reads or writes: nothing else can see it change (`done++`). */
function isPrivateLocal(ctx: RuleContext, id: t.Identifier): boolean {
  const binding = ctx.scope.resolve(id);
  if (!binding || (binding.kind !== 'let' && binding.kind !== 'var' && binding.kind !== 'const')) return false;
  const home = ctx.index.enclosingFunction(binding.identifier);
  if (!home || home.type === 'Program' || home !== ctx.index.enclosingFunction(id)) return false;
  return binding.references.every((r) => ctx.index.enclosingFunction(r.identifier) === home);
}

/** A binding written from another function than the one declaring it: a callback may change it while a release runs. */
function writtenElsewhere(ctx: RuleContext, binding: Binding): boolean {
  const home = ctx.index.enclosingFunction(binding.identifier);
  return binding.references.some((r) => r.write && ctx.index.enclosingFunction(r.identifier) !== home);
}

/**
 * `releasing`: returned values that hand the release to the caller (disposers); returning one
 * counts as the cleanup on that path.
 */
function traceResource(
  ctx: RuleContext,
  config: Config,
  region: readonly t.Statement[],
  cleanups: readonly CleanupStatement[],
  references: readonly Node[],
  releasing: ReadonlySet<Node> = new Set(),
  later: ReadonlySet<Node> = new Set(),
): { exits: Array<RegionExit<ResourceState>>; unsupported: Node[] } {
  const byStatement = new Map<Node, CleanupStatement>(cleanups.map((c) => [c.statement, c]));
  const touches = (node: Node): boolean => references.some((r) => within(r, node));
  const safeCall = safeCallFor(ctx, config);
  const taint = (state: ResourceState, taintKind: ResourceState['taint'], at: Node): ResourceState =>
    state.released && state.taint === '' ? { ...state, taint: taintKind, at } : state;
  // A release runs code (listeners, a pool's bookkeeping; while awaited, other tasks). Code after it
  // may see what it did, so only code that cannot (cannotObserveRelease) may move before it, and the
  // cleanups of enclosing resources that move into outer finally blocks (`later`), which keep their order.
  // Clearing a timer is seen only by the event loop: code that does not await cannot tell it moved.
  const observable = cleanups.some((c) => !IDEMPOTENT.has(c.kind));
  const domain: FlowDomain<ResourceState> = {
    key: (s) => `${s.released ? 1 : 0}|${s.signature}|${s.taint}`,
    statement(state, statement) {
      if (later.has(statement)) return state;
      const cleanup = byStatement.get(statement);
      if (!cleanup) return undefined;
      if (!state.released) return { released: true, signature: cleanup.signature, taint: '' };
      // A second clear of a timer is harmless; a second release/close is a use after cleanup.
      if (IDEMPOTENT.has(cleanup.kind) && state.signature === cleanup.signature) return state;
      return taint(state, 'use', statement);
    },
    evaluate(state, node) {
      if (!state.released && releasing.has(node)) return { released: true, signature: 'disposer', taint: '' };
      if (!state.released || state.taint !== '') return state;
      if (touches(node)) return taint(state, 'use', node);
      if (containsAwait(node)) return taint(state, 'await', node);
      if (observable && !cannotObserveRelease(ctx, node)) return taint(state, 'effect', node);
      return state;
    },
    iterate(state, loop) {
      if (loop.type === 'ForOfStatement' && loop.await) return taint(state, 'await', loop);
      return observable && loop.type === 'ForOfStatement' ? taint(state, 'effect', loop) : state;
    },
    // A cleanup that throws is taken as not having failed half-way: both versions run it once.
    mayThrow: (node) => !byStatement.has(node) && !later.has(node) && canThrow(node, { safeCall }),
  };
  return traceRegion(region, { released: false, signature: '', taint: '' }, domain);
}

/**
 * The try/catch to extend with a finally instead of nesting a new try: the first statement after
 * the acquisition that can throw is a `try`, every cleanup is inside it or right after it, and its
 * existing finally (if any) neither uses the resource, awaits, nor leaves.
 */
function mergeTarget(ctx: RuleContext, config: Config, region: readonly t.Statement[], cleanups: readonly CleanupStatement[], name: string): t.TryStatement | undefined {
  const safeCall = safeCallFor(ctx, config);
  const k = region.findIndex((s) => s.type === 'TryStatement' || canThrow(s, { safeCall }) || regionExits([s], { mayThrow: () => false }).some((e) => e.kind !== 'end'));
  if (k < 0 || region[k].type !== 'TryStatement') return undefined;
  const tryStatement = region[k] as t.TryStatement;
  const after = region[k + 1];
  const outside = cleanups.filter((c) => !within(c.statement, tryStatement.block) && !(tryStatement.handler && within(c.statement, tryStatement.handler)));
  if (outside.length > 1 || (outside.length === 1 && outside[0].statement !== after)) return undefined;
  const finalizer = tryStatement.finalizer;
  if (finalizer) {
    let usesResource = false;
    walk(finalizer, (n) => {
      if (n.type === 'Identifier' && n.name === name) usesResource = true;
      return !usesResource;
    });
    if (usesResource || containsAwait(finalizer)) return undefined;
    // The cleanup goes at the end of that finally (what ran before it still does): code there that
    // can throw would skip it, so such a try is wrapped instead.
    if (finalizer.body.some((s) => canThrow(s, { safeCall }))) return undefined;
    if (regionExits(finalizer.body, { mayThrow: () => false }).some((e) => e.kind !== 'end')) return undefined;
  }
  return tryStatement;
}

// ---------------------------------------------------------------------------------------------
// The promise-chain form: X.then(cb).catch(cb) → X.then(cb').catch(cb').finally(() => { C(r); })

interface ChainPlan {
  thenCall: t.CallExpression;
  catchCall: t.CallExpression;
  cleanups: CleanupStatement[];
  text: string;
}

/** The `.then(fn)` or `.catch(fn)` call a handler function is the only argument of. */
function handlerCall(ctx: RuleContext, fn: Node, method: 'then' | 'catch'): t.CallExpression | undefined {
  const call = ctx.index.parent(fn);
  if (call?.type !== 'CallExpression' || call.arguments.length !== 1 || call.arguments[0] !== fn) return undefined;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== method) return undefined;
  return call;
}

/** `p.finally(() => C(r))` or `p.finally(() => { C(r); })`: the cleanup is the callback's only work. */
function inPromiseFinally(ctx: RuleContext, cleanup: CleanupCall): boolean {
  let node: Node = cleanup.call;
  let parent = ctx.index.parent(node);
  if (parent?.type === 'ExpressionStatement') {
    const block = ctx.index.parent(parent);
    if (block?.type !== 'BlockStatement' || block.body.length !== 1) return false;
    node = block;
    parent = ctx.index.parent(block);
  }
  if (!parent || !isFunction(parent) || parent.body !== node) return false;
  const call = ctx.index.parent(parent);
  if (call?.type !== 'CallExpression' || call.arguments.length !== 1 || call.arguments[0] !== parent) return false;
  const callee = call.callee;
  return callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'finally';
}

function promiseChain(ctx: RuleContext, binding: Binding, nested: readonly CleanupCall[]): Site | undefined {
  if (nested.length !== 2) return undefined;
  const name = binding.name;
  const handlers: Array<{ fn: t.Function; cleanup: CleanupStatement }> = [];
  for (const cleanup of nested) {
    const shape = statementShape(ctx, cleanup);
    if (shape.kind !== 'statement') return undefined;
    const body = ctx.index.parent(shape.cleanup.statement);
    const fn = body ? ctx.index.parent(body) : undefined;
    if (!body || body.type !== 'BlockStatement' || body.body[0] !== shape.cleanup.statement || !fn || !isFunction(fn) || fn.body !== body) return undefined;
    handlers.push({ fn, cleanup: shape.cleanup });
  }
  handlers.sort((a, b) => (a.fn.start ?? 0) - (b.fn.start ?? 0));
  const thenCall = handlerCall(ctx, handlers[0].fn, 'then');
  const catchCall = handlerCall(ctx, handlers[1].fn, 'catch');
  if (!thenCall || !catchCall || (catchCall.callee as t.MemberExpression).object !== thenCall) return undefined;
  if (handlers[0].cleanup.signature !== handlers[1].cleanup.signature) {
    return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'cleanup-arguments-differ', `The .then and .catch handlers release \`${name}\` differently.`);
  }
  const cleanupStatements = handlers.map((h) => h.cleanup.statement);
  for (const reference of binding.references) {
    const id = reference.identifier;
    if (cleanupStatements.some((s) => within(id, s))) continue;
    if (handlers.some((h) => within(id, h.fn))) {
      return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'chain-handler-uses-resource', `A handler uses \`${name}\` after releasing it (line ${id.loc?.start.line}).`);
    }
    if ((id.start ?? 0) > (thenCall.start ?? 0)) {
      return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'chain-not-last-use', `\`${name}\` is used after the promise chain (line ${id.loc?.start.line}).`);
    }
  }
  const chainStatement = ctx.index.closest(catchCall, (n): n is t.Statement => ctx.index.link(n)?.inList === true && isStatementNode(n));
  if (hasMultilineLiteral(chainStatement ?? catchCall)) {
    return refused('cleanup-promise-chain', binding.declaration, 'yellow', 'multiline-literal', `The promise chain holds a multi-line string; rebuilding the chain would re-indent the string's text.`);
  }
  const plan: ChainPlan = { thenCall, catchCall, cleanups: handlers.map((h) => h.cleanup), text: finallyText(ctx, handlers.map((h) => h.cleanup)) };
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

type Place = { parent: Node; key: string; list?: Node[] };

function locate(root: Node, target: Node): Place | undefined {
  let place: Place | undefined;
  walk(root, (node, link) => {
    if (place) return false;
    if (node === target && link) {
      const holder = (link.parent as unknown as Record<string, unknown>)[link.key];
      place = { parent: link.parent, key: link.key, list: link.inList ? (holder as Node[]) : undefined };
      return false;
    }
    return undefined;
  });
  return place;
}

type Commented = { comments?: t.Comment[] | null };

type RecastComment = t.Comment & { leading?: boolean; trailing?: boolean };

/** A comment that talks about the cleanup (names the resource or the call) goes with it into the finally. */
function aboutCleanup(cleanup: CleanupStatement): (comment: t.Comment) => boolean {
  const words = [cleanup.target.name, cleanup.kind].map((w) => w.toLowerCase());
  return (comment) => words.some((w) => comment.value.toLowerCase().includes(w));
}

/**
 * Removes a cleanup statement. Comments about the cleanup (and trailing ones) are returned to
 * follow it into the finally; other leading comments stay in place, on the next statement.
 */
function removeStatement(root: Node, statement: t.Statement, followsCleanup: (comment: t.Comment) => boolean = () => true): t.Comment[] {
  const place = locate(root, statement);
  if (!place?.list) throw new Error(`${NAME}: cleanup statement is not in a list`);
  const at = place.list.indexOf(statement);
  place.list.splice(at, 1);
  const all = ((statement as Commented).comments ?? []) as RecastComment[];
  const next = place.list[at] as Commented | undefined;
  const stay = next ? all.filter((c) => !c.trailing && !followsCleanup(c)) : [];
  if (next && stay.length > 0) next.comments = [...stay, ...(next.comments ?? [])];
  const comments = all.filter((c) => !stay.includes(c));
  // An `else {}` left empty by the removal goes away with it.
  if (place.list.length === 0 && place.parent.type === 'BlockStatement') {
    const blockPlace = locate(root, place.parent);
    const owner = blockPlace?.parent;
    if (owner?.type === 'IfStatement' && blockPlace?.key === 'alternate' && !(place.parent as Commented).comments?.length) owner.alternate = null;
  }
  return [...comments];
}

function attachComments(target: Node, comments: readonly t.Comment[]): void {
  if (comments.length === 0) return;
  const seen = new Set<string>();
  const unique = comments.filter((c) => {
    if (seen.has(c.value)) return false;
    seen.add(c.value);
    return true;
  });
  for (const comment of unique) (comment as t.Comment & { leading?: boolean; trailing?: boolean }).leading = true;
  for (const comment of unique) (comment as t.Comment & { leading?: boolean; trailing?: boolean }).trailing = false;
  const holder = target as Commented;
  holder.comments = [...(holder.comments ?? []), ...unique];
}

/** `catch (e) { throw e; }` adds nothing once a finally exists. */
function isPlainRethrow(handler: t.CatchClause | null | undefined): boolean {
  if (!handler || handler.param?.type !== 'Identifier' || handler.body.body.length !== 1) return false;
  const [only] = handler.body.body;
  if ((handler.body as Commented).comments?.length || (only as Commented).comments?.length) return false;
  return only.type === 'ThrowStatement' && only.argument.type === 'Identifier' && only.argument.name === handler.param.name;
}

function finallyBlock(ctx: RuleContext, text: string): t.TryStatement {
  const statement = ctx.template.statement(`try {\n} finally {\n  ${text}\n}`);
  if (statement.type !== 'TryStatement' || !statement.finalizer) throw new Error(`${NAME}: bad try template`);
  return statement;
}

function applyPlan(ctx: RuleContext, plan: Plan): void {
  const root = ctx.file;
  const comments: t.Comment[] = [];
  for (const cleanup of plan.cleanups) comments.push(...removeStatement(root, cleanup.statement, aboutCleanup(cleanup)));
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
  const place = locate(root, plan.declaration);
  if (!place?.list) throw new Error(`${NAME}: acquisition is not in a list`);
  const region = place.list.splice(place.list.indexOf(plan.declaration) + 1) as t.Statement[];
  wrapper.block.body = region;
  place.list.push(wrapper);
}

function applyChainPlan(ctx: RuleContext, plan: ChainPlan): void {
  const statement = ctx.index.closest(plan.catchCall, (n): n is t.Statement => ctx.index.link(n)?.inList === true && isStatementNode(n));
  const text = statement ? chainStatementText(ctx, plan, statement) : undefined;
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
  const place = locate(ctx.file, statement);
  if (!place?.list) throw new Error(`${NAME}: promise chain statement not found`);
  const comments = (statement as Commented).comments;
  if (comments?.length) (replacement as Commented).comments = [...comments];
  place.list.splice(place.list.indexOf(statement), 1, replacement);
}

function isStatementNode(node: Node): node is t.Statement {
  return /Statement$|Declaration$/.test(node.type);
}

function lineStart(source: string, at: number): number {
  return source.lastIndexOf('\n', at - 1) + 1;
}

function indentAt(source: string, at: number): string {
  const start = lineStart(source, at);
  return /^[ \t]*/.exec(source.slice(start))![0];
}

/** True when only whitespace precedes `at` on its line. */
function startsLine(source: string, at: number): boolean {
  return source.slice(lineStart(source, at), at).trim() === '';
}

/**
 * The chain's statement rewritten as text, indented in 2-space steps relative to the statement
 * (the template restyles it): recast loses the indentation of functions it reprints inside a
 * multi-line member chain, so the chain is rebuilt from its own text instead. Undefined when the
 * text has multi-line template literals, whose lines must not be re-indented.
 */
function chainStatementText(ctx: RuleContext, plan: ChainPlan, statement: t.Statement): string | undefined {
  const source = ctx.source;
  if (hasMultilineLiteral(statement) || !startsLine(source, statement.start ?? 0)) return undefined;
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const cleanup of plan.cleanups) {
    const from = cleanup.statement.start ?? 0;
    const to = cleanup.statement.end ?? 0;
    const eol = source.indexOf('\n', to);
    const restOfLine = source.slice(to, eol < 0 ? source.length : eol);
    if (startsLine(source, from) && restOfLine.trim() === '') edits.push({ start: lineStart(source, from), end: eol < 0 ? source.length : eol + 1, text: '' });
    else edits.push({ start: from, end: to + (/^ */.exec(restOfLine)?.[0].length ?? 0), text: '' });
  }
  const catchHandler = plan.catchCall.arguments[0] as t.Function;
  const body = catchHandler.body;
  const multiline = source.slice(body.start ?? 0, body.end ?? 0).includes('\n');
  const cleanupStart = plan.cleanups[1].statement.start ?? 0;
  const arrow = multiline ? `() => {\n${indentAt(source, cleanupStart)}${plan.text}\n${indentAt(source, (body.end ?? 1) - 1)}}` : `() => { ${plan.text} }`;
  const catchCallee = plan.catchCall.callee as t.MemberExpression;
  const rest = body.type === 'BlockStatement' ? { ...body, body: body.body.filter((s) => s !== plan.cleanups[1].statement) } : undefined;
  const rethrowOnly = rest !== undefined && isPlainRethrow({ type: 'CatchClause', param: catchHandler.params[0] as t.Identifier, body: rest } as t.CatchClause);
  if (rethrowOnly) {
    edits.length = 0; // the whole `.catch(...)` goes, the catch's cleanup with it
    const thenCleanup = plan.cleanups[0].statement;
    const from = thenCleanup.start ?? 0;
    const to = thenCleanup.end ?? 0;
    const eol = source.indexOf('\n', to);
    if (startsLine(source, from) && source.slice(to, eol).trim() === '') edits.push({ start: lineStart(source, from), end: eol + 1, text: '' });
    else edits.push({ start: from, end: to, text: '' });
    edits.push({ start: catchCallee.property.start ?? 0, end: plan.catchCall.end ?? 0, text: `finally(${arrow})` });
  } else {
    const dot = source.lastIndexOf('.', catchCallee.property.start ?? 0);
    const separator = startsLine(source, dot) ? `\n${indentAt(source, dot)}` : '';
    edits.push({ start: plan.catchCall.end ?? 0, end: plan.catchCall.end ?? 0, text: `${separator}.finally(${arrow})` });
  }
  const base = statement.start ?? 0;
  let text = source.slice(base, statement.end ?? 0);
  for (const edit of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start - base) + edit.text + text.slice(edit.end - base);
  return reindentRelative(text, indentAt(source, base), detectLayout(ctx.source, ctx.file));
}

/** Lines after the first, re-expressed in 2-space steps relative to `baseIndent`. */
function reindentRelative(text: string, baseIndent: string, layout: Layout): string {
  const unit = layout.useTabs ? 1 : layout.tabWidth;
  const width = (indent: string): number => [...indent].reduce((w, ch) => w + (ch === '\t' ? unit : 1), 0);
  const base = width(baseIndent);
  return text
    .split(/\r?\n/)
    .map((line, i) => {
      if (i === 0 || line.trim() === '') return line.trimEnd();
      const indent = /^[ \t]*/.exec(line)![0];
      const steps = Math.max(0, Math.round((width(indent) - base) / unit));
      return '  '.repeat(steps) + line.slice(indent.length);
    })
    .join('\n');
}

/** Fallback for chains whose text cannot be re-indented: the same edit on the tree (recast may indent it oddly). */
function applyChainPlanOnTree(ctx: RuleContext, plan: ChainPlan): void {
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
  const place = locate(root, catchCall);
  if (!place) throw new Error(`${NAME}: promise chain not found`);
  if (place.list) place.list.splice(place.list.indexOf(catchCall), 1, finallyCall);
  else (place.parent as unknown as Record<string, unknown>)[place.key] = finallyCall;
}
