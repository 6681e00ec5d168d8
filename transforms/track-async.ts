/**
 * track-async: fire-and-forget promises get tracked handles.
 *
 * Rewrites an expression statement whose value is certainly a promise, and that nothing handles,
 * into a call to the runtime's `track`, which logs its rejection under a name, counts it while it
 * runs, and lets shutdown drain it:
 *
 *   async function flush() { ... }          async function flush() { ... }
 *   flush();                          →     track(flush(), 'flush');
 *
 * Certainly a promise (untyped mode): a call to an async function, arrow or method of this module
 * (resolved through scopes; `this.m()` only inside the class declaring `async m`), `fetch`,
 * members of `fs/promises` / `fs.promises` / `timers/promises`, an async IIFE, `new Promise(...)`,
 * `Promise.all(...)` and friends, a `.then(f)` / `.finally(f)` chain. In typed mode (`typed`), the
 * TypeScript checker also decides, as typescript-eslint's no-floating-promises does.
 *
 * Never touched: awaited, returned, yielded, assigned or passed promises; `void p` (the explicit
 * opt-out, still reported YELLOW because its rejection goes unhandled); `.catch(h)` or `.then(a, b)`
 * at a chain's end; statements under an eslint-disable naming no-floating-promises; test-framework
 * calls (`it`, `describe`, hooks). Reported, not rewritten: `xs.map(async ...)` and
 * `xs.forEach(async ...)` statements, promises started in timer, listener or supervised-task
 * callbacks, promises inside `a && p()` / `c ? p() : q()`, `T | Promise<T>` values, thenables
 * whose then() returns no promise, promises that wait for the drain themselves (`shutdown()`,
 * `drain()`), and sites where a `this.`-tracker has no class instance. When typed mode is asked
 * for but unavailable, the file is analysed untyped and that is reported once.
 */
import type * as t from '@babel/types';
import { fixable, managed, refused, type Site } from '../lib/findings';
import type { LeakRule, RuleContext, RuleOptions } from '../lib/rule';
import { toJscodeshiftTransform } from '../lib/jscodeshift-adapter';
import { escapeRegExp } from '../lib/text';
import { isFunction, unwrapExpression, walk, type Node } from '../lib/analysis/ast';
import {
  DEFAULT_PROMISE_GLOBALS,
  DEFAULT_PROMISE_MODULES,
  PromiseFacts,
  asyncIterationMethod,
  callbackOwner,
  endsWithRejectionHandler,
  importsAnyModule,
  isDrainCall,
  isTaskGroupTrack,
  isTestFrameworkCall,
  runtimeExportName,
  thisClass,
  type CallbackOwner,
} from '../lib/analysis/promises';
import { typedFile, type TypedFile, type TypedUnavailable, type TypeVerdict } from '../lib/analysis/typed';
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
  'OptionalCallExpression',
  'NewExpression',
  'Identifier',
  'MemberExpression',
  'OptionalMemberExpression',
  'TaggedTemplateExpression',
]);

type PromiseVerdict = { certain: true; name: string } | { certain: false; name: string; type: Exclude<TypeVerdict, 'not'> };

class TrackAsyncDetector {
  private readonly sites: Site[] = [];
  private readonly facts: PromiseFacts;
  private readonly typed: TypedFile | TypedUnavailable | undefined;
  private readonly tracker: string;
  private runtimeImported: boolean | undefined;
  /** Per async function of the file: whether calling it waits for a drain (each body is walked once). */
  private readonly drainingFunctions = new Map<t.Function, boolean>();

  constructor(private readonly ctx: RuleContext) {
    this.facts = new PromiseFacts(ctx.index, () => ctx.scope, (name, at) => ctx.isGlobal(name, at), {
      globals: ctx.options.strings('promiseGlobals'),
      modules: ctx.options.strings('promiseModules'),
    });
    this.typed = ctx.options.bool('typed') ? typedFile(ctx.filePath, ctx.source) : undefined;
    this.tracker = ctx.options.string('tracker').replace(/\s+/g, '');
  }

  detect(): Site[] {
    if (this.typed && !this.typed.available) {
      this.sites.push(
        refused('typed-mode-fallback', this.ctx.file.program, 'yellow', 'typed-mode-unavailable', `typed mode unavailable (${this.typed.detail}); this file was analysed without types`),
      );
    }
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
    return this.sites;
  }

  private statement(statement: t.ExpressionStatement): void {
    const expression = unwrapExpression(statement.expression);
    if (expression.type === 'UnaryExpression' || expression.type === 'AssignmentExpression') return;
    // Cheap syntactic screen first: the test-call check below resolves names through scopes.
    if (!this.mayBeSite(expression) || isTestFrameworkCall(expression, (root) => this.facts.isTestFunction(root))) return;
    if (this.isTrackCall(expression)) {
      this.sites.push(managed('promise-tracked', statement, `${this.facts.nameOf((expression as t.CallExpression).arguments[0] ?? expression)}: promise tracked`));
      return;
    }
    if (endsWithRejectionHandler(expression)) {
      this.sites.push(managed('promise-caught', statement, `${this.facts.nameOf(expression)}: rejection handled at the end of the chain`));
      return;
    }
    const iteration = asyncIterationMethod(expression);
    if (iteration) {
      this.sites.push(
        refused(
          'async-map-statement',
          statement,
          'red',
          'async-callbacks-dropped',
          `${iteration}(async ...) starts one promise per element and nobody waits for them; use await Promise.allSettled(xs.map(async ...)) and handle the results`,
        ),
      );
      return;
    }
    if (expression.type === 'LogicalExpression' || expression.type === 'ConditionalExpression' || expression.type === 'SequenceExpression') {
      const branch = this.promiseBranch(expression);
      if (branch) {
        this.sites.push(refused('floating-promise', statement, 'red', 'promise-in-expression', `${branch}: promise started inside a conditional or sequence expression; rewrite it as a statement to track it`));
      }
      return;
    }
    const verdict = this.promiseOf(expression);
    if (!verdict) return;
    this.floating(statement, verdict);
  }

  private floating(statement: t.ExpressionStatement, verdict: PromiseVerdict): void {
    const { name } = verdict;
    const line = statement.loc?.start.line ?? 0;
    if (this.ctx.comments.eslintDisabled(line, LINT_RULE)) {
      this.sites.push(refused('floating-promise', statement, 'yellow', 'lint-opt-out', `${name}: floating promise excused by an eslint-disable comment for ${LINT_RULE}`));
      return;
    }
    const owner = this.callbackOwnerOf(statement);
    if (owner) {
      this.sites.push(refused('promise-in-timer-callback', statement, 'red', OWNER_REASONS[owner.kind], ownerMessage(name, owner)));
      return;
    }
    if (!verdict.certain && verdict.type === 'maybe') {
      this.sites.push(refused('floating-promise', statement, 'yellow', 'maybe-not-a-promise', `${name}: the value is a promise only on some paths (its type is a union); track it where it is one`));
      return;
    }
    if (!verdict.certain && verdict.type === 'thenable') {
      this.sites.push(refused('floating-promise', statement, 'yellow', 'custom-thenable', `${name}: a thenable whose then() returns no promise; track() takes a PromiseLike, so handle it by hand`));
      return;
    }
    if (this.drainsItself(statement.expression)) {
      this.sites.push(
        refused('floating-promise', statement, 'yellow', 'drains-itself', `${name}: this promise waits for shutdown() or drain(); tracking it would make the drain wait for itself until its timeout`),
      );
      return;
    }
    if (isProcessLifetime(this.ctx.fileContext, this.ctx.index, statement)) {
      // A script's main(): its failure must still fail the process (exit 1), which track() would turn into a log line.
      this.sites.push(
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
    if (this.tracker.startsWith('this.') && !thisClass(this.ctx.index, statement)) {
      this.sites.push(refused('floating-promise', statement, 'red', 'tracker-out-of-scope', `${name}: the tracker ${this.tracker} needs a class instance as this, and there is none here`));
      return;
    }
    const noRuntime = this.tracker ? undefined : this.ctx.runtimeRefusal();
    if (noRuntime) {
      this.sites.push(refused('floating-promise', statement, 'red', noRuntime.reason, `${name}: promise started and never awaited; not tracked: ${noRuntime.message}`));
      return;
    }
    this.sites.push(
      fixable('floating-promise', statement, 'red', `${name}: promise started and never awaited; its rejection would crash the process`, () => {
        const callee = this.tracker || this.ctx.runtime.use('track');
        const call = this.ctx.template.expression(`${callee}(PROMISE, ${JSON.stringify(name)})`) as t.CallExpression;
        const promise = statement.expression;
        // `(p());` keeps its own parentheses around the new call; the argument needs none.
        if (promise.extra?.parenthesized) promise.extra = { ...promise.extra, parenthesized: false };
        call.arguments[0] = promise;
        statement.expression = call;
      }),
    );
  }

  /**
   * An async function handed to setTimeout/setImmediate or to a listener registration: its caller
   * drops the promise each call returns. setInterval callbacks are supervise-intervals' business.
   */
  private asyncCallback(fn: t.ArrowFunctionExpression | t.FunctionExpression): void {
    if (!fn.async || fn.generator) return;
    const owner = this.callbackOwnerOf(fn);
    if (!owner || owner.kind === 'supervised' || owner.name.endsWith('setInterval')) return;
    if (catchesEverything(fn)) return;
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
    if (this.typed?.available) return true;
    if (this.mayBeTrackCall(expression) || endsWithRejectionHandler(expression) || asyncIterationMethod(expression)) return true;
    if (expression.type === 'LogicalExpression') return this.mayBeSite(unwrapExpression(expression.left)) || this.mayBeSite(unwrapExpression(expression.right));
    if (expression.type === 'ConditionalExpression') return this.mayBeSite(unwrapExpression(expression.consequent)) || this.mayBeSite(unwrapExpression(expression.alternate));
    if (expression.type === 'SequenceExpression') return expression.expressions.some((e) => this.mayBeSite(unwrapExpression(e)));
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

  /** Certainly a promise (syntax), or a promise by its type (typed mode). */
  private promiseOf(node: Node): PromiseVerdict | undefined {
    const expression = unwrapExpression(node);
    const certain = this.facts.certainPromise(expression);
    if (certain) return { certain: true, name: certain.name };
    if (!this.typed?.available || !TYPED_CANDIDATES.has(expression.type) || expression.start == null || expression.end == null) return undefined;
    const verdict = this.typed.verdictAt(expression.start, expression.end);
    if (verdict === undefined || verdict === 'not') return undefined;
    return { certain: false, name: this.facts.nameOf(expression), type: verdict };
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
    return callbackOwner(
      this.ctx.index,
      fn,
      (name, at) => this.ctx.isGlobal(name, at),
      (callee) => this.runtimeExport(callee) === 'supervise',
    );
  }
}

/** An async body that is one or more try/catch statements and nothing else cannot reject (short of its catch throwing). */
function catchesEverything(fn: t.Function): boolean {
  if (fn.body.type !== 'BlockStatement' || fn.body.body.length === 0) return false;
  return fn.body.body.every((statement) => statement.type === 'TryStatement' && statement.handler !== null);
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
        description: 'Use the TypeScript checker (nearest tsconfig.json) to find every expression statement whose type is a Promise or thenable, as typescript-eslint no-floating-promises does.',
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
      'typed-mode-fallback': 'Typed mode was asked for but is unavailable for this file; it was analysed without types.',
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
      'typed-mode-unavailable': 'No usable tsconfig.json for the file (none found, unreadable, or the file is not in its program): untyped analysis was used.',
    },
  },
  detect(ctx: RuleContext): Site[] {
    return new TrackAsyncDetector(ctx).detect();
  },
};

export default toJscodeshiftTransform(rule);
