/**
 * track-async: fire-and-forget promises get tracked handles.
 *
 * Rewrites an expression statement whose value is certainly a promise, and that nothing handles,
 * into a call to the runtime's `track`, which logs its rejection under a name, counts it while it
 * runs, and lets shutdown drain it:
 *
 *   async function flush() { ... }          async function flush() { ... }
 *   function stop() { flush(); }      →     function stop() { track(flush(), 'stop:flush'); }
 *
 * Certainly a promise (untyped mode): a call to an async function, arrow or method of this module
 * (resolved through scopes; `this.m()` only inside the class declaring `async m`), `fetch`,
 * members of `fs/promises` / `fs.promises` / `timers/promises`, an async IIFE, `new Promise(...)`,
 * `Promise.all(...)` and friends, a `.then(f)` / `.finally(f)` chain, a chain whose rejection
 * handler is not a function (`.catch()`, `.catch(null)`, `.catch(3)`, `.then(f, 'x')` alike). An
 * array of promises (`[a(), b()];`, `.map` over a certain array) becomes
 * `track(Promise.all([...]), name)`. In typed mode (`typed`) the TypeScript checker decides, as
 * typescript-eslint's no-floating-promises does: built-in Promises (and subclasses) only, unless a
 * thenable type is listed in `trackThenables`; `any`/`unknown` are not promises.
 *
 * Names: the callee plus the enclosing function (`render:loadData`) or class (`UserService.save`),
 * unique per file. Never touched: awaited, returned, yielded, assigned or passed promises; `void p`
 * (reported YELLOW); chains ending in `.catch(h)` / `.then(a, h)` with a function `h`; calls that
 * cannot reject (async functions whose whole body is try/catch that neither throws nor awaits in
 * its handlers: GREEN); statements under an eslint-disable naming no-floating-promises; test
 * framework calls. Reported, not rewritten: chains that end the process (`.then(() =>
 * process.exit())`: their rejection is the exit status), `xs.forEach(async ...)`, `xs.map(async ...)`
 * on a receiver not known to be an array, statements with no effect (`Promise.resolve(x)`, `p;`),
 * promises in timer, listener or supervised-task callbacks and in callbacks of such refused
 * promises, promises in the try block of an async function whose catch would handle them if they
 * were awaited (the author meant `await`), conditional/logical/comma expressions, unions,
 * thenables, any-typed values, promises that wait for the drain themselves, `this.`-trackers
 * without an instance. When typed mode is
 * unavailable for a file, it is analysed untyped and the runner prints one notice for the run.
 */
import type * as t from '@babel/types';
import { fixable, managed, refused, type Site } from '../lib/findings';
import type { LeakRule, RuleContext, RuleOptions } from '../lib/rule';
import { toJscodeshiftTransform } from '../lib/jscodeshift-adapter';
import { escapeRegExp } from '../lib/text';
import { isFunction, memberPath, unwrapExpression, walk, type Node } from '../lib/analysis/ast';
import {
  DEFAULT_PROMISE_GLOBALS,
  DEFAULT_PROMISE_MODULES,
  PromiseFacts,
  asyncIterationMethod,
  callbackOwner,
  cannotReject,
  certainArray,
  chainDecidesExit,
  catchingTry,
  chainInitializesObject,
  chainReportsTo,
  isReactionCall,
  endsWithRejectionHandler,
  importsAnyModule,
  rejectionHandlerOf,
  isDrainCall,
  isTaskGroupTrack,
  isTestFrameworkCall,
  runtimeExportName,
  thisClass,
  type CallbackOwner,
} from '../lib/analysis/promises';
import { prepareTypedFile, typedFile, type TypedFile, type TypeVerdict } from '../lib/analysis/typed';
import { PROCESS_LIFETIME_DESCRIPTION, PROCESS_LIFETIME_PATTERN, isProcessLifetime } from '../lib/context/policies';

const LINT_RULE = 'no-floating-promises';

/**
 * What the untyped prefilter looks for: text without which no site can exist. An async function
 * (the word `async` followed by what can start a function or method: not `async:`, `async.each`,
 * `'async'` or `asyncIterator`), a `fetch(` call, `new Promise` or a `Promise` static, a promise
 * module (`fs/promises`, `fs.promises`, `timers/promises`), a `.then(`/`.catch(`/`.finally(` call
 * (also `['catch'](`), a `track(` call. `void` is not needed: a voided value is a site only when
 * it is certainly a promise, which takes one of these. Typed mode, a custom tracker and custom API
 * lists widen it (see `prefilterFor`).
 */
const UNTYPED_PREFILTER = new RegExp(
  [
    /\basync\b(?:\s*[^\s:,;=)}\].?!&|+\-%^~>'"`]|\s+['"])/,
    /\bfetch\s*\(/,
    /\bnew\s+Promise\b/,
    /\bPromise\s*\.\s*(?:all|allSettled|race|any|resolve|reject|try)\b/,
    /promises/,
    /\.\s*(?:then|catch|finally)\s*[(<]/,
    /\[\s*['"`](?:then|catch|finally)['"`]\s*\]/,
    /\btrack\s*\(/,
  ]
    .map((part) => part.source)
    .join('|'),
);

/** Kinds of expression the checker is asked about: values a statement can drop. */
const TYPED_CANDIDATES = new Set([
  'CallExpression',
  'YieldExpression',
  'OptionalCallExpression',
  'NewExpression',
  'Identifier',
  'MemberExpression',
  'OptionalMemberExpression',
  'TaggedTemplateExpression',
]);

type PromiseVerdict =
  | { certain: true; name: string; fn?: t.Function }
  | { certain: false; name: string; type: Exclude<TypeVerdict, 'not'> };

/** A floating statement that will be rewritten: `track(x, name)`, or `track(Promise.all(x), name)` for an array of promises. */
interface Pending {
  statement: t.ExpressionStatement;
  base: string;
  array: boolean;
}

/** Names a tracked promise is never logged under alone: they say nothing about which work failed. */
const VAGUE_NAMES = new Set(['promise', 'new Promise', 'async IIFE', 'Promise.resolve', 'Promise.reject', 'Promise.all', 'Promise.allSettled', 'Promise.race', 'Promise.any', 'Promise.try']);

/** Patterns whose refusal makes a promise started inside the refused one's callbacks refused too. */
const FLOATING_PATTERNS = new Set(['floating-promise', 'promise-in-timer-callback', 'promise-array']);

class TrackAsyncDetector {
  private readonly sites: Site[] = [];
  private readonly facts: PromiseFacts;
  private readonly typed: TypedFile | undefined;
  private readonly tracker: string;
  private readonly thenables: readonly string[];
  private runtimeImported: boolean | undefined;
  /** Per async function of the file: whether calling it waits for a drain (each body is walked once). */
  private readonly drainingFunctions = new Map<t.Function, boolean>();
  /** The site each expression statement got, for judging nested sites consistently. */
  private readonly siteOf = new Map<t.ExpressionStatement, Site>();
  private readonly pending = new Map<Site, Pending>();
  private readonly names = new Map<Site, string>();

  constructor(private readonly ctx: RuleContext) {
    this.facts = new PromiseFacts(ctx.index, () => ctx.scope, (name, at) => ctx.isGlobal(name, at), {
      globals: ctx.options.strings('promiseGlobals'),
      modules: ctx.options.strings('promiseModules'),
    });
    // Unavailable typed mode (no tsconfig, ...) falls back to syntax; the runner prints one notice per run.
    const typed = ctx.options.bool('typed') ? typedFile(ctx.filePath, ctx.source) : undefined;
    this.typed = typed?.available ? typed : undefined;
    this.tracker = ctx.options.string('tracker').replace(/\s+/g, '');
    this.thenables = ctx.options.strings('trackThenables');
  }

  detect(): Site[] {
    for (const statement of this.ctx.index.ofType('ExpressionStatement')) this.statement(statement);
    for (const fn of this.ctx.index.ofType('ArrowFunctionExpression')) this.asyncCallback(fn);
    for (const fn of this.ctx.index.ofType('FunctionExpression')) this.asyncCallback(fn);
    for (const unary of this.ctx.index.ofType('UnaryExpression')) {
      if (unary.operator !== 'void') continue;
      const verdict = this.promiseOf(unary.argument);
      if (verdict && (verdict.certain || verdict.type === 'promise')) {
        this.sites.push(
          refused(
            'promise-voided',
            unary,
            'yellow',
            'explicit-void',
            `${verdict.name}: promise explicitly discarded with void; its rejection still goes unhandled and shutdown cannot wait for it (track it, or .catch it)`,
          ),
        );
      }
    }
    this.judgeNestedSites();
    this.assignNames();
    return this.sites;
  }

  private add(statement: t.ExpressionStatement, site: Site): void {
    this.sites.push(site);
    this.siteOf.set(statement, site);
  }

  private statement(statement: t.ExpressionStatement): void {
    const expression = unwrapExpression(statement.expression);
    if (expression.type === 'UnaryExpression' || expression.type === 'AssignmentExpression') return;
    // Cheap syntactic screen first: the test-call check below resolves names through scopes.
    if (!this.mayBeSite(expression) || isTestFrameworkCall(expression, (root) => this.facts.isTestFunction(root))) return;
    if (this.isTrackCall(expression)) {
      this.add(statement, managed('promise-tracked', statement, `${this.facts.nameOf((expression as t.CallExpression).arguments[0] ?? expression)}: promise tracked`));
      return;
    }
    const handler = rejectionHandlerOf(expression, (argument) => this.isFunctionValue(argument));
    if (handler === 'handler') {
      this.add(statement, managed('promise-caught', statement, `${this.facts.nameOf(expression)}: rejection handled at the end of the chain`));
      return;
    }
    if (handler === 'unknown') {
      this.add(
        statement,
        refused('floating-promise', statement, 'yellow', 'rejection-handler-unknown', `${this.facts.nameOf(expression)}: the rejection handler is a spread argument; whether it is a function cannot be told`),
      );
      return;
    }
    const iteration = asyncIterationMethod(expression, (body) => this.promiseOf(body) !== undefined);
    if (iteration) {
      this.iteration(statement, expression as t.CallExpression, iteration);
      return;
    }
    if (expression.type === 'ArrayExpression') {
      const element = expression.elements.find((e) => e && e.type !== 'SpreadElement' && this.promiseOf(e));
      if (element) this.promiseArray(statement, this.facts.nameOf(element));
      return;
    }
    if (expression.type === 'LogicalExpression' || expression.type === 'ConditionalExpression' || expression.type === 'SequenceExpression') {
      const branch = this.promiseBranch(expression);
      if (branch) {
        this.add(statement, refused('floating-promise', statement, 'red', 'promise-in-expression', `${branch}: promise started inside a conditional or sequence expression; rewrite it as a statement to track it`));
      }
      return;
    }
    if (expression.type === 'YieldExpression') {
      const verdict = this.promiseOf(statement.expression);
      if (verdict) this.add(statement, refused('floating-promise', statement, 'yellow', 'yield-result', `the value sent into this generator at yield is a promise nobody handles; handle it where the generator is driven`));
      return;
    }
    if (this.isNoEffect(statement, expression)) return;
    const verdict = this.promiseOf(statement.expression);
    if (!verdict) {
      if (this.typed && expression.type === 'CallExpression' && this.typedArray(statement.expression)) this.promiseArray(statement, this.facts.nameOf(expression));
      return;
    }
    this.floating(statement, verdict, handler === 'not-a-function');
  }

  /**
   * A statement that starts nothing: a promise named by a variable or property (`p;`, `this.ready;`:
   * it was started where it was made), `Promise.resolve(x)` of a value that is not a promise.
   * Reported, never tracked: tracking would not make it background work.
   */
  private isNoEffect(statement: t.ExpressionStatement, expression: Node): boolean {
    let name: string | undefined;
    if (expression.type === 'Identifier' || expression.type === 'MemberExpression' || expression.type === 'OptionalMemberExpression') {
      if (this.promiseOf(expression)) name = this.facts.nameOf(expression);
    } else if (expression.type === 'CallExpression' && memberPathText(expression.callee) === 'Promise.resolve' && this.ctx.isGlobal('Promise', expression.callee)) {
      const [argument] = expression.arguments;
      if (!argument || argument.type === 'SpreadElement' || !this.promiseOf(argument)) name = 'Promise.resolve';
    }
    if (name === undefined) return false;
    this.add(
      statement,
      refused('floating-promise', statement, 'yellow', 'no-effect', `${name}: the statement starts no work (the promise was made elsewhere, or resolves a plain value); remove it, or await it where it was made`),
    );
    return true;
  }

  /** `xs.map(async ...)` / `xs.forEach(async ...)` as a statement. */
  private iteration(statement: t.ExpressionStatement, call: t.CallExpression, method: 'map' | 'forEach'): void {
    const callee = unwrapExpression(call.callee) as t.MemberExpression;
    if (method === 'forEach') {
      this.add(
        statement,
        refused('async-map-statement', statement, 'red', 'async-callbacks-dropped', `forEach(async ...) starts one promise per element and returns none to wait for; use await Promise.allSettled(xs.map(async ...)) and handle the results`),
      );
      return;
    }
    const isArray = this.typed ? this.typedArray(statement.expression) : certainArray(callee.object);
    if (!isArray) {
      this.add(
        statement,
        refused('async-map-statement', statement, 'red', 'not-known-array', `map(async ...) starts one promise per element, but the receiver is not known to be an array, so Promise.all(...) of the result could fail where the original did not; collect the promises by hand`),
      );
      return;
    }
    this.promiseArray(statement, this.callbackName(call) ?? 'map');
  }

  /** The promise-returning call a map callback makes, for the name: `fetchIt` in `xs.map(x => fetchIt(x))`. */
  private callbackName(call: t.CallExpression): string | undefined {
    const callback = call.arguments[0] ? unwrapExpression(call.arguments[0]) : undefined;
    if (!callback || !isFunction(callback)) return undefined;
    if (callback.body.type !== 'BlockStatement') {
      const name = this.facts.nameOf(callback.body);
      return VAGUE_NAMES.has(name) ? undefined : name;
    }
    return this.workCallName(callback.body);
  }

  /**
   * The call a block-bodied callback awaits or returns (its promise's work): `save` in
   * `async (x) => { log(x); await save(x); }`. A log line before it is not the work.
   */
  private workCallName(body: t.BlockStatement): string | undefined {
    let found: string | undefined;
    walk(body, (node) => {
      if (found) return false;
      if (isFunction(node)) return false;
      if ((node.type === 'AwaitExpression' || node.type === 'ReturnStatement') && node.argument) {
        found = this.firstCallName(node.argument);
        return false;
      }
      return undefined;
    });
    return found;
  }

  private typedArray(expression: Node): boolean {
    if (!this.typed || expression.start == null || expression.end == null) return false;
    return this.typed.arrayVerdictAt(expression.start, expression.end) === 'promise-array';
  }

  /** An array of promises as a statement (`[a(), b()];`, `xs.map(x => load(x));`): fixable as one tracked Promise.all. */
  private promiseArray(statement: t.ExpressionStatement, base: string): void {
    const refusal = this.refusal(statement, base, true);
    if (refusal) {
      this.add(statement, { ...refusal, rule: refusal.rule === 'floating-promise' ? 'promise-array' : refusal.rule });
      return;
    }
    const site = fixable('promise-array', statement, 'red', `${base}: an array of promises started and never awaited; each rejection would crash the process`, () => this.rewrite(site));
    this.pending.set(site, { statement, base, array: true });
    this.add(statement, site);
  }

  private floating(statement: t.ExpressionStatement, verdict: PromiseVerdict, uselessHandler: boolean): void {
    const { name } = verdict;
    if (isProcessLifetime(this.ctx.fileContext, this.ctx.index, statement)) {
      // A script's main(): its failure must still fail the process (exit 1), which track() would turn into a log line.
      this.add(
        statement,
        managed(
          PROCESS_LIFETIME_PATTERN,
          statement,
          `${name}: top-level promise of ${this.ctx.fileContext.role === 'entry' ? 'an entry point' : 'a script'}, the process's own lifetime; ` +
            'left alone (a failure must still fail the process); to exit 1 without an unhandled-rejection crash, end it with ' +
            '.catch((error) => { console.error(error); process.exitCode = 1; })',
        ),
      );
      return;
    }
    if (verdict.certain && verdict.fn && cannotReject(verdict.fn)) {
      this.add(statement, managed('promise-cannot-reject', statement, `${name}: the async function catches everything its body throws, so the promise cannot reject; nothing to track`));
      return;
    }
    if (!verdict.certain && verdict.type === 'maybe') {
      this.add(statement, refused('floating-promise', statement, 'yellow', 'maybe-not-a-promise', `${name}: the value is a promise only on some paths (its type is a union, or an optional call); track it where it is one`));
      return;
    }
    if (!verdict.certain && verdict.type === 'unknown') {
      this.add(statement, refused('floating-promise', statement, 'yellow', 'type-unknown', `${name}: looks like a promise, but the checker types it any, unknown or cannot resolve it; type it, then run again`));
      return;
    }
    if (!verdict.certain && verdict.type === 'thenable' && !this.isListedThenable(statement.expression)) {
      this.add(
        statement,
        refused('floating-promise', statement, 'yellow', 'custom-thenable', `${name}: a thenable that is not a built-in Promise (a query builder may only start when then() is called, which track would do); list its type in trackThenables to track it`),
      );
      return;
    }
    const refusal = this.refusal(statement, name);
    if (refusal) {
      this.add(statement, refusal);
      return;
    }
    const message = uselessHandler
      ? `${name}: the rejection handler is not a function, so it handles nothing; the rejection would crash the process`
      : `${name}: promise started and never awaited; its rejection would crash the process`;
    const site = fixable('floating-promise', statement, 'red', message, () => this.rewrite(site));
    this.pending.set(site, { statement, base: name, array: false });
    this.add(statement, site);
  }

  /** Why a floating statement (single promise or array) is left alone, if it is. */
  private refusal(statement: t.ExpressionStatement, name: string, array = false): Site | undefined {
    const line = statement.loc?.start.line ?? 0;
    if (this.ctx.comments.eslintDisabled(line, LINT_RULE)) {
      return refused('floating-promise', statement, 'yellow', 'lint-opt-out', `${name}: floating promise excused by an eslint-disable comment for ${LINT_RULE}`);
    }
    const owner = this.callbackOwnerOf(statement);
    if (owner) return refused('promise-in-timer-callback', statement, 'red', OWNER_REASONS[owner.kind], ownerMessage(name, owner));
    const reportsTo = chainReportsTo(this.ctx.index, statement, statement.expression);
    if (reportsTo) {
      return refused(
        'floating-promise',
        statement,
        'red',
        'result-via-callback',
        `${name}: this chain delivers its result through ${reportsTo}(...), which a rejection never calls, so the caller waits forever; add .catch that calls ${reportsTo} with the error instead of tracking it`,
      );
    }
    if (this.drainsItself(statement.expression)) {
      return refused('floating-promise', statement, 'yellow', 'drains-itself', `${name}: this promise waits for shutdown() or drain(); tracking it would make the drain wait for itself until its timeout`);
    }
    if (chainDecidesExit(statement.expression)) {
      return refused(
        'floating-promise',
        statement,
        'red',
        'decides-exit',
        `${name}: this chain ends the process (process.exit / process.exitCode), so its rejection is the exit status: unhandled it exits 1, tracked it would be logged and exit 0; add .catch that exits non-zero`,
      );
    }
    if (chainInitializesObject(this.ctx.index, statement, statement.expression)) {
      return refused(
        'floating-promise',
        statement,
        'red',
        'initializes-object',
        `${name}: this chain stores its result on the object being constructed, so a rejection leaves it half-built: unhandled it stops the process at startup, tracked the process would run on without it; handle the failure (retry, or fail the startup) by hand`,
      );
    }
    // After the reasons that say more about the chain; before the runtime's, as `await` is the fix
    // wherever the file runs. Not for an array: `await [a(), b()]` would wait for neither.
    const guard = array ? undefined : catchingTry(this.ctx.index, statement);
    if (guard) {
      const at = guard.handler?.loc?.start.line;
      return refused('floating-promise', statement, 'red', 'awaitable-in-try', `${name}: never awaited, inside a try whose catch${at ? ` (line ${at})` : ''} would handle its rejection if it were: add await (the function then waits for it), or .catch() it here`);
    }
    if (this.tracker.startsWith('this.') && !thisClass(this.ctx.index, statement)) {
      return refused('floating-promise', statement, 'red', 'tracker-out-of-scope', `${name}: the tracker ${this.tracker} needs a class instance as this, and there is none here`);
    }
    const noRuntime = this.tracker ? undefined : this.ctx.runtimeRefusal();
    if (noRuntime) return refused('floating-promise', statement, 'red', noRuntime.reason, `${name}: promise started and never awaited; not tracked: ${noRuntime.message}`);
    // Last: it reads the package's sources (once), so only for a site that would be tracked otherwise.
    const handler = this.tracker ? undefined : this.ctx.fileContext.processFailureHandler?.();
    if (handler) {
      return refused(
        'floating-promise',
        statement,
        'yellow',
        'failures-handled-globally',
        `${name}: never awaited, but the program already decides what an unhandled rejection does (${handler}): it does not crash unseen, so tracking would add a dependency and change nothing; await it, or .catch() it where the failure matters`,
      );
    }
    return undefined;
  }

  private rewrite(site: Site): void {
    const pending = this.pending.get(site)!;
    const { statement } = pending;
    const name = this.names.get(site) ?? pending.base;
    const callee = this.tracker || this.ctx.runtime.use('track');
    const promise = statement.expression;
    // `(p());` keeps its own parentheses around the new call; the argument needs none.
    if (promise.extra?.parenthesized) promise.extra = { ...promise.extra, parenthesized: false };
    const call = this.ctx.template.expression(`${callee}(PROMISE, ${JSON.stringify(name)})`) as t.CallExpression;
    if (pending.array) {
      const all = this.ctx.template.expression('Promise.all(PROMISES)') as t.CallExpression;
      all.arguments[0] = promise;
      call.arguments[0] = all;
    } else {
      call.arguments[0] = promise;
    }
    statement.expression = call;
  }

  /**
   * A promise started in a callback of a chain whose statement is refused is refused too: tracking
   * the inner one while the outer one floats would fix half a chain.
   */
  private judgeNestedSites(): void {
    for (const [site, pending] of this.pending) {
      for (const ancestor of this.ctx.index.ancestors(pending.statement)) {
        if (ancestor.type !== 'ExpressionStatement') continue;
        const outer = this.siteOf.get(ancestor);
        if (!outer || outer.status !== 'refused' || !FLOATING_PATTERNS.has(outer.rule)) continue;
        const index = this.sites.indexOf(site);
        const replacement = refused(site.rule, site.node, 'red', 'outer-promise-refused', `${pending.base}: started inside a callback of a promise that is itself left alone (line ${ancestor.loc?.start.line ?? '?'}: ${outer.reason}); fix both by hand`);
        this.sites[index] = replacement;
        this.siteOf.set(pending.statement, replacement);
        this.pending.delete(site);
        break;
      }
    }
  }

  /**
   * The name each tracked promise is logged under: the callee plus its enclosing function
   * (`render:loadData`) or class (`UserService.save` for `this.save()`); a vague callee
   * (`new Promise`, `Promise.all`, an IIFE) is replaced by the first call it makes. Two sites of
   * a file never share a name (`#2`), nor share one with a track() call already in the file.
   */
  private assignNames(): void {
    const taken = new Set<string>();
    for (const call of this.ctx.index.ofType('CallExpression')) {
      const label = call.arguments[1];
      if (label?.type === 'StringLiteral' && this.mayBeTrackCall(call) && this.isTrackCall(call)) taken.add(label.value);
    }
    for (const [site, pending] of this.pending) {
      const base = this.qualifiedName(pending.statement, pending.base);
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}#${n}`;
      taken.add(name);
      this.names.set(site, name);
    }
  }

  private qualifiedName(statement: t.ExpressionStatement, base: string): string {
    let callee = base;
    if (VAGUE_NAMES.has(callee)) callee = this.firstCallName(statement.expression, true) ?? '';
    if (/^this\.#?[\w$]+$/.test(callee)) {
      const owner = thisClass(this.ctx.index, statement);
      const className = owner && 'id' in owner.cls && owner.cls.id ? owner.cls.id.name : undefined;
      if (className) return `${className}.${callee.slice('this.'.length)}`;
    }
    const enclosing = this.enclosingName(statement);
    if (callee === '') return enclosing ?? `line ${statement.loc?.start.line ?? 0}`;
    return enclosing && enclosing !== callee ? `${enclosing}:${callee}` : callee;
  }

  /**
   * The first call inside an expression with a readable callee (not Promise itself, not
   * then/catch/finally). The callbacks of then/catch/finally are what happens after the work, not
   * the work: `Promise.allSettled(ps).then((r) => r.filter(...))` is not named `r.filter`.
   */
  private firstCallName(root: Node, skipRoot = false): string | undefined {
    let found: string | undefined;
    const reactions = new Set<Node>();
    walk(root, (node) => {
      if (found || reactions.has(node)) return false;
      if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return undefined;
      if (isReactionCall(node)) for (const argument of node.arguments) reactions.add(argument as Node);
      if (skipRoot && node === root) return undefined;
      const path = memberPath(node.callee);
      if (!path || path === 'Promise' || path.startsWith('Promise.')) return undefined;
      const last = path.split('.').pop()!;
      if (last === 'then' || last === 'catch' || last === 'finally' || last === 'resolve' || last === 'reject') return undefined;
      found = node.type === 'NewExpression' ? `new ${path}` : path;
      return false;
    });
    return found;
  }

  /** The nearest enclosing function with a name: its declaration, method key, or the variable or property it is assigned to. */
  private enclosingName(node: Node): string | undefined {
    for (const ancestor of this.ctx.index.ancestors(node)) {
      if (!isFunction(ancestor)) continue;
      const name = this.functionName(ancestor);
      if (name) return name;
    }
    return undefined;
  }

  private functionName(fn: t.Function): string | undefined {
    if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return fn.id.name;
    if (fn.type === 'ClassMethod' || fn.type === 'ObjectMethod') {
      if (fn.computed) return undefined;
      return fn.key.type === 'Identifier' ? fn.key.name : fn.key.type === 'StringLiteral' ? fn.key.value : undefined;
    }
    if (fn.type === 'ClassPrivateMethod') return `#${fn.key.id.name}`;
    const parent = this.ctx.index.parent(fn);
    if (!parent) return undefined;
    if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if ((parent.type === 'ObjectProperty' || parent.type === 'ClassProperty') && !parent.computed && parent.key.type === 'Identifier') return parent.key.name;
    if (parent.type === 'AssignmentExpression') return memberPathText(parent.left)?.split('.').pop();
    return undefined;
  }

  /** Typed mode: whether a rejection handler argument can be called (`maybeCallable: (() => void) | undefined` cannot, always). */
  private isFunctionValue(argument: Node): boolean | undefined {
    if (!this.typed || argument.start == null || argument.end == null) return undefined;
    return this.typed.callableAt(argument.start, argument.end);
  }

  private isListedThenable(expression: Node): boolean {
    if (!this.typed || this.thenables.length === 0 || expression.start == null || expression.end == null) return false;
    const name = this.typed.typeNameAt(expression.start, expression.end);
    return name !== undefined && this.thenables.includes(name);
  }

  /**
   * An async function handed to setTimeout/setImmediate or to a listener registration: its caller
   * drops the promise each call returns. setInterval callbacks are supervise-intervals' business.
   */
  private asyncCallback(fn: t.ArrowFunctionExpression | t.FunctionExpression): void {
    if (!fn.async || fn.generator) return;
    const owner = this.callbackOwnerOf(fn);
    if (!owner || owner.kind === 'supervised' || owner.name.endsWith('setInterval')) return;
    if (cannotReject(fn)) return;
    const reason = owner.kind === 'timer' ? 'async-timer-callback' : 'async-listener-callback';
    const caller = owner.kind === 'timer' ? owner.name : `a listener registered with ${owner.name}`;
    this.sites.push(
      refused('promise-in-timer-callback', fn, 'red', reason, `async callback passed to ${caller}: the promise each call returns is dropped, so a rejection crashes the process; catch inside the callback (try/catch around its body)`),
    );
  }

  /**
   * Whether a statement's expression can give a site at all: a superset of what `statement` reports,
   * decided without scope analysis where syntax suffices (certainPromise only resolves names a
   * local async function, a promise global or an imported promise module could answer to).
   */
  private mayBeSite(expression: Node): boolean {
    if (this.typed) return true;
    if (this.mayBeTrackCall(expression) || rejectionHandlerOf(expression) !== 'none' || asyncIterationMethod(expression, (body) => this.mayBeSite(unwrapExpression(body)))) return true;
    if (expression.type === 'LogicalExpression') return this.mayBeSite(unwrapExpression(expression.left)) || this.mayBeSite(unwrapExpression(expression.right));
    if (expression.type === 'ConditionalExpression') return this.mayBeSite(unwrapExpression(expression.consequent)) || this.mayBeSite(unwrapExpression(expression.alternate));
    if (expression.type === 'SequenceExpression') return expression.expressions.some((e) => this.mayBeSite(unwrapExpression(e)));
    if (expression.type === 'ArrayExpression') return expression.elements.some((e) => !!e && e.type !== 'SpreadElement' && this.mayBeSite(unwrapExpression(e)));
    return this.facts.certainPromise(expression) !== undefined;
  }

  /** The runtime import a file has (or not), read from its import/require specifiers once. */
  private importsRuntime(): boolean {
    const specifier = this.ctx.runtime.specifier;
    this.runtimeImported ??= importsAnyModule(this.ctx.index, (module) => module === specifier);
    return this.runtimeImported;
  }

  /** The runtime export a callee names (`track`, `supervise`, `shutdown`); no scope lookup in a file that never imports the runtime. */
  private runtimeExport(callee: Node): string | undefined {
    if (!this.importsRuntime()) return undefined;
    return runtimeExportName(this.ctx.index, this.ctx.scope, callee, this.ctx.runtime.specifier);
  }

  /** True when the promise's chain, or the async function it calls, waits for a drain of tracked work. */
  private drainsItself(expression: Node): boolean {
    const drains = (node: Node): boolean => isDrainCall(node, (callee) => this.runtimeExport(callee));
    let root = unwrapExpression(expression);
    for (;;) {
      if (drains(root)) return true;
      if (root.type !== 'CallExpression') break;
      const callee = unwrapExpression(root.callee);
      const isChainStep = callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && ['then', 'catch', 'finally'].includes(callee.property.name);
      if (!isChainStep) break;
      root = unwrapExpression(callee.object);
    }
    const called = this.facts.certainPromise(root);
    if (!called || !('fn' in called)) return false;
    let known = this.drainingFunctions.get(called.fn);
    if (known === undefined) {
      known = this.functionDrains(root, drains, new Set());
      this.drainingFunctions.set(called.fn, known);
    }
    return known;
  }

  /** Whether the async function `call` runs (or one it calls in this file, transitively) waits for a drain. */
  private functionDrains(call: Node, drains: (node: Node) => boolean, visited: Set<Node>): boolean {
    const certain = this.facts.certainPromise(call);
    if (!certain || !('fn' in certain) || visited.has(certain.fn)) return false;
    visited.add(certain.fn);
    let found = false;
    walk(certain.fn.body, (node) => {
      if (found) return false;
      if (drains(node) || ((node.type === 'CallExpression' || node.type === 'NewExpression') && this.functionDrains(node, drains, visited))) found = true;
      return undefined;
    });
    return found;
  }

  /**
   * Certainly a promise (syntax), or a promise by its type (typed mode). In typed mode the checker
   * decides: a known type that is not a promise is not one, whatever the syntax says (a `then`
   * returning void, a custom class); a checker failure falls back to the syntactic answer.
   */
  private promiseOf(node: Node): PromiseVerdict | undefined {
    const expression = unwrapExpression(node);
    const certain = this.facts.certainPromise(expression);
    const syntactic: PromiseVerdict | undefined = certain ? { certain: true, name: certain.name, ...('fn' in certain ? { fn: certain.fn } : {}) } : undefined;
    if (!this.typed || !TYPED_CANDIDATES.has(expression.type) || node.start == null || node.end == null) return syntactic;
    const verdict = this.typed.verdictAt(node.start, node.end) ?? (node !== expression && expression.start != null && expression.end != null ? this.typed.verdictAt(expression.start, expression.end) : undefined);
    if (verdict === undefined) return syntactic;
    if (verdict === 'not') return undefined;
    if (verdict === 'promise') return syntactic ?? { certain: false, name: this.facts.nameOf(expression), type: 'promise' };
    if (verdict === 'unknown' && !syntactic) return undefined;
    return { certain: false, name: syntactic?.name ?? this.facts.nameOf(expression), type: verdict };
  }

  /** The first branch of `a && p()`, `c ? p() : q()`, `a(), p()` that is a promise, by name. */
  private promiseBranch(node: Node): string | undefined {
    const expression = unwrapExpression(node);
    const branches: Node[] =
      expression.type === 'LogicalExpression'
        ? [expression.left, expression.right]
        : expression.type === 'ConditionalExpression'
          ? [expression.consequent, expression.alternate]
          : expression.type === 'SequenceExpression'
            ? expression.expressions
            : [];
    if (branches.length === 0) {
      if (expression.type === 'UnaryExpression' || expression.type === 'AssignmentExpression' || endsWithRejectionHandler(expression) || this.isTrackCall(expression)) return undefined;
      return this.promiseOf(expression)?.name;
    }
    for (const branch of branches) {
      const name = this.promiseBranch(branch);
      if (name) return name;
    }
    return undefined;
  }

  private isTrackCall(expression: Node): boolean {
    if (!this.mayBeTrackCall(expression)) return false;
    const callee = unwrapExpression(expression.callee);
    if (this.tracker && memberPathText(callee) === this.tracker) return true;
    const specifier = this.ctx.runtime.specifier;
    return this.runtimeExport(callee) === 'track' || isTaskGroupTrack(this.ctx.index, this.ctx.scope, callee, specifier);
  }

  /** A call to the configured tracker, or any call in a file that imports the runtime (whose `track` it may be). */
  private mayBeTrackCall(expression: Node): expression is t.CallExpression {
    if (expression.type !== 'CallExpression') return false;
    return (this.tracker !== '' && memberPathText(unwrapExpression(expression.callee)) === this.tracker) || this.importsRuntime();
  }

  /** The timer, listener or supervised task a function is handed to; for a statement, its enclosing function's. */
  private callbackOwnerOf(node: t.ExpressionStatement | t.Function): CallbackOwner | undefined {
    const fn = isFunction(node) ? node : this.ctx.index.enclosingFunction(node);
    if (!fn || !isFunction(fn)) return undefined;
    const ownerOf = (callback: Node): CallbackOwner | undefined =>
      callbackOwner(
        this.ctx.index,
        callback,
        (name, at) => this.ctx.isGlobal(name, at),
        (callee) => this.runtimeExport(callee) === 'supervise',
      );
    const direct = ownerOf(fn);
    if (direct || isFunction(node)) return direct;
    // `const handler = (data) => { ... }; child.stdout.on('data', handler);`: a listener by name.
    const declarator = this.ctx.index.parent(fn);
    if (declarator?.type !== 'VariableDeclarator' || declarator.id.type !== 'Identifier' || declarator.init !== fn) return undefined;
    const binding = this.ctx.scope.declared(declarator.id) ?? this.ctx.scope.resolve(declarator.id);
    if (!binding || binding.references.some((reference) => reference.write)) return undefined;
    for (const reference of binding.references) {
      const owner = ownerOf(reference.identifier);
      if (owner) return owner;
    }
    return undefined;
  }
}

function memberPathText(node: Node): string | undefined {
  const n = unwrapExpression(node);
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'MemberExpression' && !n.computed) {
    const object = memberPathText(n.object);
    const property = n.property.type === 'Identifier' ? n.property.name : n.property.type === 'PrivateName' ? `#${n.property.id.name}` : undefined;
    return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
  }
  return undefined;
}

const OWNER_REASONS: Record<CallbackOwner['kind'], string> = {
  timer: 'timer-callback',
  listener: 'listener-callback',
  supervised: 'supervised-task',
};

function ownerMessage(name: string, owner: CallbackOwner): string {
  switch (owner.kind) {
    case 'timer':
      return `${name}: promise started in a ${owner.name} callback, whose caller ignores it; handle it in the callback (await it in a try/catch, or .catch it)`;
    case 'listener':
      return `${name}: promise started in a listener registered with ${owner.name}, whose emitter ignores it; handle it in the listener (try/catch around await, or .catch)`;
    case 'supervised':
      return `${name}: promise started in a supervised task without being awaited; return or await it so the supervisor sees its failure and its duration`;
  }
}

function prefilterFor(options: RuleOptions): RegExp {
  if (options.bool('typed')) return /[(`]/;
  const tracker = options.string('tracker').replace(/\s+/g, '');
  const extra = [...options.strings('promiseGlobals'), ...options.strings('promiseModules').map((m) => m.split('#')[0]), tracker.split('.').pop() ?? '']
    .filter((name) => name !== '' && !DEFAULT_PROMISE_GLOBALS.includes(name) && !DEFAULT_PROMISE_MODULES.some((m) => m.split('#')[0] === name))
    .map(escapeRegExp);
  return extra.length === 0 ? UNTYPED_PREFILTER : new RegExp(`${UNTYPED_PREFILTER.source}|${extra.join('|')}`);
}

export const rule: LeakRule = {
  meta: {
    name: 'track-async',
    description: 'Wraps fire-and-forget promises in track(promise, name): rejections are logged, work is counted and drained on shutdown.',
    prefilter: UNTYPED_PREFILTER,
    prefilterFor,
    skipsTestFiles: true,
    options: {
      typed: {
        type: 'boolean',
        default: false,
        description: 'Use the TypeScript checker (nearest tsconfig.json) to decide which expression statements are promises, as typescript-eslint no-floating-promises does; the run uses one thread and builds one Program per tsconfig.',
      },
      trackThenables: {
        type: 'string[]',
        default: [],
        description: 'Typed mode: names of thenable types that are not built-in Promises but start their work when created (e.g. "Bluebird"), to track like promises. Never list lazy thenables (query builders): track() calls then(), which would start them.',
      },
      tracker: {
        type: 'string',
        default: '',
        description: 'Expression to call instead of the runtime\'s track, e.g. "this.tasks.track" for code that owns a TaskGroup; no import is added.',
      },
      promiseGlobals: {
        type: 'string[]',
        default: [...DEFAULT_PROMISE_GLOBALS],
        description: 'Global functions that return a promise (when not shadowed).',
      },
      promiseModules: {
        type: 'string[]',
        default: [...DEFAULT_PROMISE_MODULES],
        description: 'Modules whose exported functions return promises; "module#member" names a namespace inside a module (fs#promises).',
      },
    },
    patterns: {
      'floating-promise': 'A promise started as a statement and never awaited, returned or handled: its rejection crashes Node and shutdown cannot wait for it.',
      'promise-voided': 'A promise explicitly discarded with void: an opt-out, so it is left alone, but its rejection still goes unhandled and shutdown cannot wait for it.',
      'promise-caught': 'A promise started and not awaited whose chain ends in .catch(h) or .then(a, b).',
      'promise-tracked': 'A promise handed to track(...) or a TaskGroup: rejections logged, drained on shutdown.',
      'async-map-statement': 'xs.map(async ...) or xs.forEach(async ...) used as a statement: one dropped promise per element.',
      'promise-in-timer-callback': 'A floating promise inside a setTimeout/setInterval/setImmediate, event-listener or supervised-task callback.',
      'promise-array': 'An array of promises as a statement ([a(), b()]; xs.map(x => load(x)); a call returning a tuple of promises): every rejection crashes Node.',
      'promise-cannot-reject': 'A call to an async function (or an async IIFE) whose whole body is try/catch that neither throws nor awaits in its handlers: it cannot reject, so it needs no tracking.',
      [PROCESS_LIFETIME_PATTERN]: PROCESS_LIFETIME_DESCRIPTION,
    },
    reasons: {
      'explicit-void': '`void p` is the author\'s explicit opt-out (typescript-eslint\'s ignoreVoid): leakfix respects it, but the rejection is still unhandled and shutdown cannot wait for it.',
      'lint-opt-out': 'An eslint-disable comment names no-floating-promises: the author chose to let it float.',
      'timer-callback': 'Started in a timer callback: the timer ignores the callback\'s result, so the callback must handle it (or supervise-intervals owns it).',
      'listener-callback': 'Started in an event listener: the emitter ignores the listener\'s result, so the listener must handle it.',
      'async-timer-callback': 'An async callback passed to setTimeout/setImmediate: the timer drops the promise, so the fix belongs inside the callback (try/catch).',
      'async-listener-callback': 'An async event listener: the emitter drops the promise, so the fix belongs inside the listener (try/catch).',
      'supervised-task': 'Started in a supervised task: it should be returned or awaited so the supervisor sees it, not tracked aside.',
      'async-callbacks-dropped': 'Each element starts a promise nobody collects; the fix is Promise.allSettled, which changes when the caller continues.',
      'promise-in-expression': 'The promise is one branch of a conditional, logical or comma expression; wrapping it needs a rewrite of the expression.',
      'maybe-not-a-promise': 'The type is a union of a promise and something else; track() needs a promise.',
      'custom-thenable': 'A thenable whose then() does not return a promise: not a PromiseLike, so track() would not type-check.',
      'drains-itself': 'The promise waits for shutdown() or a drain(); tracked, the drain would wait for it until the timeout.',
      'tracker-out-of-scope': 'The configured tracker starts with this., and this is not a class instance here.',
      'rejection-handler-unknown': 'The rejection handler is a spread argument (.then(...args)): whether it is a function cannot be told.',
      'not-known-array': 'map(async ...) on a receiver not known to be an array: Promise.all of its result could reject where the original did not.',
      'no-effect': 'The statement starts no work: a promise made elsewhere (p;) or Promise.resolve of a plain value. Tracking would not make it background work.',
      'yield-result': 'The promise is the value sent into a generator at yield; it is handled (or not) where the generator is driven.',
      'type-unknown': 'The checker types the value any or unknown, or cannot resolve it: not a promise for typed mode, so at most YELLOW.',
      'failures-handled-globally': 'A non-test file of the package registers process.on("unhandledRejection" | "uncaughtException"): the program already decides what an unhandled rejection does, so tracking would only add a dependency. Reported YELLOW.',
      'initializes-object': 'Started in a constructor, the chain stores its result on the object being built (self.client = client): a rejection leaves the object half-built; unhandled that stops the process at startup, tracked it would run on without it.',
      'decides-exit': 'The chain calls process.exit or sets process.exitCode: its rejection is the script\'s exit status (1), which tracking would turn into a log line and exit 0.',
      'result-via-callback': 'The chain\'s callbacks call a parameter of the enclosing function (callback, resolve, reject, next): a rejection never calls it and the caller waits forever; the fix is .catch(callback), not tracking.',
      'awaitable-in-try': 'Not awaited inside the try block of an async function whose catch would handle its rejection if it were: the author meant await, which makes the function wait; tracking would hide that the catch never runs.',
      'outer-promise-refused': 'Started inside a callback of a promise statement that is itself refused: the two are fixed together by hand, not half-tracked.',
    },
  },
  prepare: {
    needed: (options) => options.bool('typed'),
    file(absolutePath) {
      const prepared = prepareTypedFile(absolutePath);
      if (prepared.unavailable) return { notice: `typed mode unavailable (${prepared.unavailable.detail}); analysed without types` };
      return prepared.buildMs !== undefined && prepared.configPath ? { built: { label: `TypeScript program for ${prepared.configPath}`, ms: prepared.buildMs } } : {};
    },
  },
  detect(ctx: RuleContext): Site[] {
    return new TrackAsyncDetector(ctx).detect();
  },
};

export default toJscodeshiftTransform(rule);
