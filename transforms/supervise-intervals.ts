/**
 * supervise-intervals: `setInterval` loops nobody can stop become stoppable.
 *
 * A "bare" interval has its handle dropped, or bound to a local that is never read again. Each
 * one gets the least invasive fix for where it lives:
 *  1. in a React effect: the handle is bound and cleared by the effect's cleanup
 *     (`return () => clearInterval(intervalId);`, or added into the cleanup it already returns);
 *  2. in a class with a disposal method (`close`, `stop`, `dispose`, ...; configurable): the handle
 *     is kept on the instance and cleared there (plus a field declaration in TypeScript);
 *  3. anywhere else: `supervise(name, fn, { everyMs })` from the runtime: stoppable by
 *     `shutdown()`, errors caught, no overlapping runs.
 * Handles on properties (`this.timer`) are wired into the class's disposal method or reported.
 *
 * The disposal method must be the end of life: one the class hierarchy of the module calls
 * mid-life (`reconnect() { this.disconnect(); ... }`) with nothing starting the interval again is
 * skipped for the next one, or the site refused; so is any, for an interval created once, when
 * the class extends a class of another module of the project (whose code cannot be seen). React
 * class components end only in `componentWillUnmount` (added when missing), and intervals a
 * component owns (render bodies, handlers defined in a component) are never supervised, nor are
 * intervals started once per request, connection or event (`app.get(path, (req, res) => ...)`).
 * Supervised tasks are named after the callback or the enclosing function (`Worker.versionCheck`),
 * unique within the file.
 *
 * Refused (unchanged, reported with a reason): handles that escape, are read anywhere or are
 * reassigned, `setInterval` that is shadowed, from `timers/promises` or not the global, effects
 * with conditional or non-function returns, intervals in a nested block of an effect, in a
 * component/hook render body or in a handler inside a component, instance handles in a class with
 * no disposal method (or only ones called mid-life), callbacks whose `this`/arguments would change
 * (unbound methods included) or that are computed or reassigned, non-constant extra arguments, a
 * missing delay, and (for supervise() only) a delay not provably a number supervise() takes as
 * setInterval did. Async callbacks with no error handling on managed intervals and self-rescheduling
 * `setTimeout` loops are reported. GREEN: managed intervals (effect cleanups inline, named or on
 * every return; disposal methods; handles only cleared, unref()ed or tested), `.unref()`ed
 * process-lifetime timers (rewritten only with `superviseUnref`), and the runtime's own
 * `supervise(...)` calls, so every fix is graded GREEN by the next audit.
 *
 *   setInterval(() => flush(), 5000);
 *   // becomes
 *   supervise('flush', () => flush(), { everyMs: 5000 });
 */
import type * as t from '@babel/types';
import { fixable, managed, refused, type Grade, type Site } from '../lib/findings';
import type { LeakRule, RuleContext } from '../lib/rule';
import { toJscodeshiftTransform } from '../lib/jscodeshift-adapter';
import { calleePath, isFunction, memberPath, unwrapExpression, type Node } from '../lib/analysis/ast';
import { removeNode, replaceNode } from '../lib/analysis/edit';
import { DEFAULT_DISPOSAL_METHODS, GLOBAL_OBJECTS, globalTimerCall } from '../lib/analysis/resources';
import { isLoop, isWithin } from '../lib/analysis/control-flow';
import type { Binding } from '../lib/analysis/scope';
import { disposalCalledMidLife } from '../lib/analysis/lifecycle';
import { perEventCallback } from '../lib/analysis/event-callbacks';
import { enclosingComponent, isReactComponentClass } from '../lib/analysis/react';
import { asCallee, callbackPlan, checkDelay, fillPlaceholders, fromTimersPromises, isStableValue, MAX_INTERVAL_MS, signalInScope } from '../lib/analysis/supervise-call';
import {
  callsModuleExport,
  classMemberNames,
  classifyRead,
  clearsPath,
  disposalMethod,
  effectOf,
  enclosingEffect,
  enclosingFunctionName,
  handleUse,
  instanceOwner,
  isStableBinding,
  isUnhandledAsync,
  memberName,
  methodClears,
  onlyClears,
  outermostValue,
  exitsAfter,
  returnedFunction,
  superviseTaskName,
  ownReturns,
  targetFunction,
  taskName,
  unrefCallOn,
  type AnyClass,
  type ClassOwner,
  type EffectOwner,
  type HandleRead,
  type InstanceFunction,
} from '../lib/analysis/intervals';

const NAME = 'supervise-intervals';

const PATTERNS = {
  'interval-dropped-handle': 'setInterval whose handle is discarded: nothing can ever stop it.',
  'interval-never-cleared': 'setInterval whose handle is bound to a local that is never read again.',
  'interval-property-no-disposal': "setInterval whose handle is stored on a property that the owner's disposal method does not clear.",
  'interval-handle-escapes': 'setInterval whose handle is returned, passed on, exported or stored elsewhere: someone else may stop it.',
  'interval-handle-read': 'setInterval whose handle is read (cleared, aliased, compared, reassigned): it is managed, or may be.',
  'interval-process-lifetime': 'setInterval(...).unref(), `t.unref()` or `this.timer.unref()` right after it: a deliberately process-lifetime timer that does not hold the process open (GREEN; rewritten only with superviseUnref).',
  'interval-not-global': 'A setInterval that is not the global timer (shadowed, timers/promises, this.setInterval).',
  'interval-async-unhandled': 'An async interval callback with no error handling: a rejection is unhandled on every tick.',
  'timeout-loop': 'A self-rescheduling setTimeout loop (function tick() { ...; setTimeout(tick, ms) }): unstoppable like a bare interval.',
  'interval-managed': 'An interval cleared by its owner: an effect cleanup, a disposal method, a finally block or a clear call.',
  'interval-supervised': "A supervise(...) task of the leakfix runtime: stopped by shutdown() or its signal, errors caught, no overlapping runs.",
} as const;

const REASONS = {
  'handle-escapes': 'The handle is returned, passed to a call, put in a collection or object, exported, or assigned outside the function: whoever receives it may clear it.',
  'handle-read': 'The handle is read after it is created (aliased, compared, passed to something other than clearInterval): it is managed, or may be.',
  'handle-reassigned': 'The handle variable is assigned more than once: which handle is live is not provable.',
  'handle-declared-apart': 'The handle is assigned once to a variable declared without a value (`let t; t = setInterval(...)`) and never read: reported, not rewritten.',
  'effect-conditional-return': 'The effect returns conditionally (or more than once) after the interval starts: no single cleanup covers every path.',
  'effect-returns-non-function': 'The effect returns something that is not an inline function, so a cleanup cannot be added to it.',
  'effect-nested': 'The interval starts in a nested block or callback of the effect: its handle is not in scope of the cleanup.',
  'render-body': 'The interval starts in a component or hook body (every render), or in a class component\'s render(): it belongs in an effect or componentDidMount, which a codemod cannot decide.',
  'react-component': 'The interval belongs to a React class component but cannot be kept on the instance (it starts in a loop or callback, or its handle is read): only componentWillUnmount ends a component\'s life, and a supervised task would outlive the unmount.',
  'disposal-not-end-of-life': 'The disposal method is called mid-life from inside the class hierarchy (reconnect(), _onClose(), ...), or may be by a base class of another module, and nothing starts the interval again after it: clearing there would stop it for good while the instance lives on.',
  'component-handler': 'The interval starts in an event handler or callback defined inside a component: its owner is the component instance, and a supervised task would outlive the unmount.',
  'interval-per-event': "The interval starts in a callback that runs once per request, connection or event (`app.get(path, (req, res) => ...)`, `wss.on('connection', ...)`, a handler registered by name): supervise() would add a task per call, each alive until shutdown. Clear it where that call's work ends (`request.on('close', ...)`, a disconnect), which a codemod cannot pick.",
  'no-disposal-method': "The handle is stored on the instance, but the class has no disposal method to clear it in (see the disposalMethods option).",
  'property-handle-no-owner': 'The handle is stored on a property of an object that is not this class instance: it may be cleared from another module.',
  'callback-uses-this': "The callback is a function that uses `this` or `arguments`, whose values would change under supervise().",
  'unbound-method-callback': 'The callback is an unbound method reference (`obj.method`): wrapping it would change its `this`.',
  'callback-not-analyzable': 'The callback is computed by an expression (a call, a bind with arguments): re-evaluating it on every run could change behaviour.',
  'unstable-callback': 'The callback names a variable that is reassigned (or an undeclared global): calling it later could call something else.',
  'unstable-extra-args': 'Extra setInterval arguments that are not constants or never-reassigned names: they would be re-evaluated on every run.',
  'no-delay': 'setInterval is called without a delay (or with spread arguments).',
  'delay-not-numeric': 'The delay is not provably a number (a parameter, a property, an import, a call, a string): supervise() throws at the call on a delay that is not a number, where setInterval quietly ran every 1 ms. Check that it is always a number of milliseconds and rewrite by hand, or bind it to a numeric const.',
  'delay-out-of-range': 'The delay is a number Node runs every 1 ms (negative, NaN, Infinity, above 2^31-1 ms): supervise() would throw at the call, or wait the full delay.',
  'shadowed': 'setInterval (or clearInterval) is a local binding here, not the global timer.',
  'timers-promises': "setInterval is imported from timers/promises: an async iterator, stopped by leaving the loop or aborting, not a handle.",
  'not-global': 'The callee is a method of some object (this.setInterval, timers.setInterval), not the global timer.',
  'async-callback-unhandled': 'Reported only: adding error handling changes behaviour (what should happen on failure is a decision).',
  'timeout-loop-not-rewritten': 'Reported only: turning a setTimeout loop into a supervised task changes its scheduling.',
  'test-file': 'Test files (*.test.*, *.spec.*, __tests__/) are skipped unless includeTests is set (the engine skips them; no findings).',
} as const;

type Pattern = keyof typeof PATTERNS;
type Reason = keyof typeof REASONS;

/** Edits several fixes share: one cleanup per effect, clears in source order in each disposal method. */
interface FixState {
  effectCleanups: Map<Node, t.ArrowFunctionExpression | t.FunctionExpression>;
  disposalInserts: Map<Node, number>;
  fieldInserts: Map<Node, number>;
  fieldNames: Map<Node, Set<string>>;
  addedUnmounts: Map<Node, InstanceFunction>;
  /** Task names given so far in this file (filled on first use with the file's supervise() names). */
  taskNames?: Set<string>;
}

interface IntervalSite {
  call: t.CallExpression;
  callback: Node;
  delay: Node;
  extras: Node[];
  /** The expression whose value is the handle: the call, or `setInterval(...).unref()`. */
  top: Node;
  unref: t.CallExpression | undefined;
  enclosing: Node;
}

export const rule: LeakRule = {
  meta: {
    name: NAME,
    description: 'Bare setInterval loops become stoppable: cleared by the React effect or the class disposal method that owns them, else supervised tasks from the runtime.',
    // `supervise`: the output of a fix, graded GREEN on the next audit.
    prefilter: /\bset(Interval|Timeout)\b|\bsupervise\b/,
    skipsTestFiles: true,
    options: {
      disposalMethods: {
        type: 'string[]',
        default: [...DEFAULT_DISPOSAL_METHODS],
        description: 'Class methods that end an instance\'s life, in order of preference; intervals the instance owns are cleared in the first one the class defines.',
      },
      effectHooks: {
        type: 'string[]',
        default: ['useEffect', 'useLayoutEffect', 'useInsertionEffect'],
        description: 'Hooks whose callback returns a cleanup (also matched as React.<hook>).',
      },
      superviseUnref: {
        type: 'boolean',
        default: false,
        description: 'Also rewrite .unref()ed (process-lifetime) intervals into supervise(..., { unref: true }).',
      },
    },
    patterns: { ...PATTERNS },
    reasons: { ...REASONS },
  },
  detect(ctx: RuleContext): Site[] {
    const state: FixState = { effectCleanups: new Map(), disposalInserts: new Map(), fieldInserts: new Map(), fieldNames: new Map(), addedUnmounts: new Map() };
    const isGlobal = (name: string, at: Node): boolean => ctx.isGlobal(name, at);
    const sites: Site[] = [];
    for (const call of ctx.index.ofType('CallExpression')) {
      const timer = globalTimerCall(call, isGlobal);
      if (timer?.kind === 'setInterval') sites.push(...intervalSites(ctx, call, state));
      else if (timer?.kind === 'setTimeout') {
        const loop = timeoutLoop(ctx, call);
        if (loop) sites.push(loop);
      } else if (!timer && callsModuleExport(ctx.index, ctx.scope, call, ctx.runtime.specifier, 'supervise')) {
        sites.push(managed('interval-supervised', call, 'a supervised task: shutdown() or its signal stops it, and a failing run cannot crash the process'));
      } else if (!timer) {
        const other = nonGlobalInterval(ctx, call);
        if (other) sites.push(other);
      }
    }
    return sites;
  },
};

export default toJscodeshiftTransform(rule);

// ---------------------------------------------------------------------------------------------
// Sites for one global setInterval call.

function intervalSites(ctx: RuleContext, call: t.CallExpression, state: FixState): Site[] {
  const [callback, delay, ...extras] = call.arguments;
  const unref = unrefCallOn(ctx.index, call);
  const top = unref ?? call;
  const enclosing = ctx.index.enclosingFunction(call) ?? ctx.file.program;
  const use = handleUse(ctx.index, ctx.scope, top, enclosing);
  if (!callback || !delay || [callback, delay, ...extras].some((a) => a.type === 'SpreadElement' || a.type === 'ArgumentPlaceholder')) {
    return [refusal(use.kind === 'dropped' ? 'interval-dropped-handle' : 'interval-never-cleared', call, 'red', 'no-delay', 'setInterval without a delay')];
  }
  const site: IntervalSite = { call, callback, delay, extras, top, unref, enclosing };

  switch (use.kind) {
    case 'escapes':
      if (isConciseEffectBody(ctx, top, enclosing)) {
        return [refusal('interval-dropped-handle', call, 'red', 'effect-returns-non-function', 'the effect returns the handle itself, not a cleanup function')];
      }
      return [refusal('interval-handle-escapes', call, 'yellow', 'handle-escapes', `the interval's handle is ${use.how}; it is left to whoever holds it`)];
    case 'reassigned':
      return [refusal('interval-handle-read', call, 'yellow', 'handle-reassigned', `\`${use.binding.name}\` holds more than one value; which interval is live is not provable`)];
    case 'assigned': {
      const handleReads = reads(ctx, use.binding);
      if (onlyClears(handleReads)) return [managed('interval-managed', call, `\`${use.binding.name}\` is assigned once and cleared by clearInterval`), ...asyncReport(ctx, site, undefined)];
      const escape = handleReads.find((r): r is Extract<HandleRead, { kind: 'escape' }> => r.kind === 'escape');
      if (escape) return [refusal('interval-handle-escapes', call, 'yellow', 'handle-escapes', `the interval's handle is ${escape.how}; it is left to whoever holds it`)];
      if (handleReads.length > 0) return [refusal('interval-handle-read', call, 'yellow', 'handle-read', `\`${use.binding.name}\` is read after the interval starts; it is managed, or may be`)];
      return [refusal('interval-never-cleared', call, 'red', 'handle-declared-apart', `\`${use.binding.name}\` is assigned the interval but never read; it is declared apart from the assignment, which this rewrite does not move`)];
    }
    case 'property':
      if (site.unref || unrefFollows(ctx, use.statement, use.path)) {
        return [managed('interval-process-lifetime', call, `\`${use.path}\` is unref()ed: a process-lifetime timer by design, left unchanged`), ...asyncReport(ctx, site, undefined)];
      }
      return propertySites(ctx, site, use.path, use.target, state);
    case 'dropped':
    case 'local':
      return ownedSites(ctx, site, use, state);
  }
}

type LocalUse = Extract<ReturnType<typeof handleUse>, { kind: 'local' }>;
type DroppedUse = Extract<ReturnType<typeof handleUse>, { kind: 'dropped' }>;

function refusal(pattern: Pattern, node: Node, grade: Grade, reason: Reason, message: string): Site {
  return refused(pattern, node, grade, reason, message);
}

function reads(ctx: RuleContext, binding: Binding): HandleRead[] {
  return binding.references.filter((r) => r.read).map((r) => classifyRead(ctx.index, r.identifier, (name, at) => ctx.isGlobal(name, at)));
}

/** Dropped handles and handles bound to locals: the owner decides the fix. */
function ownedSites(ctx: RuleContext, site: IntervalSite, use: DroppedUse | LocalUse, state: FixState): Site[] {
  const pattern: Pattern = use.kind === 'dropped' ? 'interval-dropped-handle' : 'interval-never-cleared';
  const handleReads = use.kind === 'local' ? reads(ctx, use.binding) : [];
  const escape = handleReads.find((r): r is Extract<HandleRead, { kind: 'escape' }> => r.kind === 'escape');
  if (escape) return [refusal('interval-handle-escapes', site.call, 'yellow', 'handle-escapes', `the interval's handle is ${escape.how}; it is left to whoever holds it`)];

  const hooks = ctx.options.strings('effectHooks');
  const effect = effectOf(ctx.index, site.enclosing, hooks);
  if (effect) return effectSites(ctx, site, use, handleReads, effect, state);

  if (onlyClears(handleReads)) {
    return [managed('interval-managed', site.call, 'the handle is cleared by clearInterval'), ...asyncReport(ctx, site, undefined)];
  }
  if (enclosingEffect(ctx.index, site.call, hooks)) {
    return [refusal(pattern, site.call, 'red', 'effect-nested', 'the interval starts in a callback inside an effect; its handle cannot reach the cleanup')];
  }
  const component = enclosingComponent(ctx.index, site.call);
  if (component === site.enclosing) {
    return [refusal(pattern, site.call, 'red', 'render-body', 'the interval starts on every render of a component or hook; move it into an effect')];
  }
  if (component) {
    return [
      refusal(pattern, site.call, 'red', 'component-handler', 'the interval starts in a handler defined inside a component: its owner is the component instance, so a supervised task would outlive the unmount'),
    ];
  }
  if (use.kind === 'local' && handleReads.length > 0) {
    const onlyUnrefNext = handleReads.length === 1 && nextStatementIfUnref(ctx, use, handleReads[0]) !== undefined;
    if (!onlyUnrefNext) {
      return [refusal('interval-handle-read', site.call, 'yellow', 'handle-read', `\`${use.binding.name}\` is read after the interval starts; it is managed, or may be`)];
    }
  }

  const owner = instanceOwner(ctx.index, site.call);
  const react = owner !== undefined && isReactComponentClass(ctx.index, ctx.scope, owner.cls);
  if (owner && react && memberName(owner.member) === 'render') {
    return [refusal(pattern, site.call, 'red', 'render-body', 'the interval starts in render(), on every render of the component; move it into componentDidMount')];
  }
  const choice = owner ? chooseDisposal(ctx, owner) : undefined;
  const statement = use.kind === 'dropped' ? use.statement : use.declaration;
  // `const t = setInterval(...), other = 1;` keeps its other declarators: only a lone one becomes `this.t = ...`.
  const movable = use.kind === 'dropped' || use.declaration.declarations.length === 1;
  const once = owner !== undefined && movable && handleReads.length === 0 && runsOncePerCall(ctx, statement, owner.member);
  if (owner && choice && (choice.kind === 'method' || choice.kind === 'add-unmount') && once) {
    return classSites(ctx, site, use, owner, choice, state);
  }
  if (react) {
    return [
      refusal(pattern, site.call, 'red', 'react-component', 'the interval belongs to a React component, whose only end of life is componentWillUnmount: a supervised task would outlive the unmount'),
    ];
  }
  if (choice?.kind === 'mid-life' && once) {
    return [refusal(pattern, site.call, 'red', 'disposal-not-end-of-life', `${choice.message}: clearing the interval there would stop it while the instance lives on`)];
  }

  return superviseSites(ctx, site, use, handleReads, pattern, state);
}

/** `useEffect(() => setInterval(...))`: the effect returns the handle. */
function isConciseEffectBody(ctx: RuleContext, top: Node, enclosing: Node): boolean {
  const effect = effectOf(ctx.index, enclosing, ctx.options.strings('effectHooks'));
  return effect !== undefined && effect.callback.body === outermostValue(ctx.index, top);
}

/**
 * True when `statement` runs at most once per call of `member`: no loop and no nested function
 * (a callback may run many times) between them. One field can only hold one handle.
 */
function runsOncePerCall(ctx: RuleContext, statement: Node, member: ClassOwner['member']): boolean {
  const fieldFunction = (member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty') && member.value ? unwrapExpression(member.value) : undefined;
  for (const ancestor of ctx.index.ancestors(statement)) {
    // `start = () => {...}`: the field's own function is the method body.
    if (ancestor === member || ancestor === fieldFunction) return true;
    if (isFunction(ancestor) || isLoop(ancestor)) return false;
  }
  return false;
}

/** Reports an async callback that nothing catches, on an interval that is otherwise managed. */
function asyncReport(ctx: RuleContext, site: IntervalSite, owner: ClassOwner | undefined): Site[] {
  const target = targetFunction(ctx.index, ctx.scope, site.callback, owner ?? instanceOwner(ctx.index, site.call));
  if (!target || !isUnhandledAsync(target)) return [];
  return [
    refusal('interval-async-unhandled', site.callback, 'yellow', 'async-callback-unhandled', 'the async callback has no try/catch: each failing tick is an unhandled rejection'),
  ];
}

// ---------------------------------------------------------------------------------------------
// Case 1: React effects.

type CleanupPlan = { kind: 'append' } | { kind: 'extend'; cleanup: t.ArrowFunctionExpression | t.FunctionExpression } | { kind: 'refuse'; reason: Reason; message: string };

function effectSites(ctx: RuleContext, site: IntervalSite, use: DroppedUse | LocalUse, handleReads: HandleRead[], effect: EffectOwner, state: FixState): Site[] {
  const pattern: Pattern = use.kind === 'dropped' ? 'interval-dropped-handle' : 'interval-never-cleared';
  const body = effect.callback.body;
  const statement = use.kind === 'dropped' ? use.statement : use.declaration;
  if (use.kind === 'local' && cleanupsClear(ctx, effect, statement, handleReads)) {
    return [managed('interval-managed', site.call, 'every cleanup the effect returns clears the interval'), ...asyncReport(ctx, site, undefined)];
  }
  if (body.type !== 'BlockStatement' || !body.body.includes(statement as t.Statement)) {
    return [refusal(pattern, site.call, 'red', 'effect-nested', 'the interval starts in a nested block of the effect; its handle is not in scope of a cleanup')];
  }
  const plan = cleanupPlan(ctx, effect, statement);
  if (use.kind === 'local') {
    const inCleanup = handleReads.some((r) => r.kind === 'clear' && plan.kind === 'extend' && isWithin(r.call, plan.cleanup, ctx.index));
    if (inCleanup) return [managed('interval-managed', site.call, 'the effect cleanup clears the interval'), ...asyncReport(ctx, site, undefined)];
    if (handleReads.some((r) => r.kind !== 'clear')) {
      return [refusal('interval-handle-read', site.call, 'yellow', 'handle-read', `\`${use.binding.name}\` is read inside the effect; it is managed, or may be`)];
    }
  }
  if (plan.kind === 'refuse') return [refusal(pattern, site.call, 'red', plan.reason, plan.message)];
  if (!ctx.isGlobal('clearInterval', site.call)) return [refusal(pattern, site.call, 'red', 'shadowed', 'clearInterval is shadowed in this effect')];

  const fix = (): void => {
    let handle: string;
    if (use.kind === 'dropped') {
      handle = ctx.scope.uniqueName('intervalId');
      const declaration = ctx.template.statement(`const ${handle} = __leakfixHandle;`) as t.VariableDeclaration;
      declaration.declarations[0].init = use.statement.expression;
      replaceNode(ctx.index, use.statement, declaration);
    } else {
      handle = use.binding.name;
    }
    const clear = ctx.template.statement(`clearInterval(${handle});`);
    const existing = state.effectCleanups.get(effect.callback) ?? (plan.kind === 'extend' ? plan.cleanup : undefined);
    if (existing) {
      appendToFunction(ctx, existing, clear);
      state.effectCleanups.set(effect.callback, existing);
      return;
    }
    const returned = ctx.template.statement(`return () => clearInterval(${handle});`) as t.ReturnStatement;
    body.body.push(returned);
    state.effectCleanups.set(effect.callback, returned.argument as t.ArrowFunctionExpression);
  };
  const message =
    use.kind === 'dropped' ? 'the effect starts an interval and never clears it: bind the handle and clear it in the cleanup' : `the effect never clears \`${use.binding.name}\`: clear it in the cleanup`;
  return [fixable(pattern, site.call, 'red', message, fix), ...asyncReport(ctx, site, undefined)];
}

/**
 * True when the handle is only cleared (or tested) and every way out of the effect after the
 * interval starts returns a cleanup that clears it: one inline cleanup, a named one
 * (`return cleanup;`), or several returns that all clear, also from a nested block.
 */
function cleanupsClear(ctx: RuleContext, effect: EffectOwner, statement: Node, handleReads: HandleRead[]): boolean {
  if (!onlyClears(handleReads)) return false;
  const exits = exitsAfter(ctx.index, effect.callback, statement);
  if (!exits || exits.fallsOff || exits.returns.length === 0) return false;
  const clears = handleReads.flatMap((r) => (r.kind === 'clear' ? [r.call] : []));
  return exits.returns.every((ret) => {
    const cleanup = returnedFunction(ctx.scope, ret);
    return cleanup !== undefined && clears.some((call) => isWithin(call, cleanup, ctx.index));
  });
}

/** How the effect's returns after `statement` allow a cleanup to be added. */
function cleanupPlan(ctx: RuleContext, effect: EffectOwner, statement: Node): CleanupPlan {
  const body = effect.callback.body as t.BlockStatement;
  if (effect.callback.async) return { kind: 'refuse', reason: 'effect-returns-non-function', message: 'an async effect returns a promise, not a cleanup' };
  const after = ownReturns(ctx.index, effect.callback).filter((r) => (r.start ?? 0) >= (statement.end ?? 0));
  if (after.length === 0) return { kind: 'append' };
  const last = body.body[body.body.length - 1];
  if (after.length > 1 || after[0] !== last) {
    return { kind: 'refuse', reason: 'effect-conditional-return', message: 'the effect returns conditionally after the interval starts; no single cleanup covers every path' };
  }
  const argument = after[0].argument ? unwrapExpression(after[0].argument) : undefined;
  if (argument && (argument.type === 'ArrowFunctionExpression' || argument.type === 'FunctionExpression')) return { kind: 'extend', cleanup: argument };
  return { kind: 'refuse', reason: 'effect-returns-non-function', message: 'the effect returns something that is not an inline cleanup function' };
}

/** Adds a statement at the end of a function's body, turning a concise arrow body into a block. */
function appendToFunction(ctx: RuleContext, fn: t.ArrowFunctionExpression | t.FunctionExpression, statement: t.Statement): void {
  if (fn.body.type === 'BlockStatement') {
    fn.body.body.push(statement);
    return;
  }
  const block = ctx.template.statement('{\n  __leakfixBody;\n}') as t.BlockStatement;
  (block.body[0] as t.ExpressionStatement).expression = fn.body;
  block.body.push(statement);
  fn.body = block;
}

// ---------------------------------------------------------------------------------------------
// Case 2: classes with a disposal method.

function classSites(ctx: RuleContext, site: IntervalSite, use: DroppedUse | LocalUse, owner: ClassOwner, disposal: Disposal, state: FixState): Site[] {
  const pattern: Pattern = use.kind === 'dropped' ? 'interval-dropped-handle' : 'interval-never-cleared';
  if (!ctx.isGlobal('clearInterval', disposal.kind === 'method' ? disposal.method.fn.body : owner.cls.body)) {
    return [refusal(pattern, site.call, 'red', 'shadowed', 'clearInterval is shadowed in the disposal method')];
  }
  const disposalName = disposal.kind === 'method' ? methodLabel(disposal.method) : 'a new componentWillUnmount';
  const fix = (): void => {
    const field = fieldNameFor(ctx, site, use, owner.cls, state);
    const assignment = ctx.template.statement(`this.${field} = __leakfixHandle;`) as t.ExpressionStatement;
    const value = use.kind === 'dropped' ? use.statement.expression : use.declarator.init!;
    (assignment.expression as t.AssignmentExpression).right = value as t.Expression;
    replaceNode(ctx.index, use.kind === 'dropped' ? use.statement : use.declaration, assignment);
    if (isTypeScript(ctx)) addFieldDeclaration(ctx, owner.cls, field, state);
    insertClear(ctx, resolveDisposal(ctx, owner.cls, disposal, state), `this.${field}`, state);
  };
  return [
    fixable(pattern, site.call, 'red', `the interval is never cleared: keep its handle on the instance and clear it in ${disposalName}()`, fix),
    ...asyncReport(ctx, site, owner),
  ];
}

/** Where an instance's intervals are cleared: an existing method, or a `componentWillUnmount()` to add. */
type Disposal = { kind: 'method'; method: InstanceFunction } | { kind: 'add-unmount' };
type DisposalChoice = Disposal | { kind: 'none' } | { kind: 'mid-life'; message: string };

/**
 * The end of the instance's life, where its intervals are cleared. A React class component has
 * one: `componentWillUnmount` (added when missing; React never calls `close()` or `stop()`).
 * Otherwise the first of `disposalMethods` the class defines that is not called mid-life from
 * inside its class hierarchy (see disposalCalledMidLife); `mid-life` when every one is.
 */
function chooseDisposal(ctx: RuleContext, owner: ClassOwner): DisposalChoice {
  if (isReactComponentClass(ctx.index, ctx.scope, owner.cls)) {
    const unmount = disposalMethod(owner.cls, ['componentWillUnmount']);
    return unmount ? { kind: 'method', method: unmount } : { kind: 'add-unmount' };
  }
  const names = ctx.options.strings('disposalMethods');
  let problem: string | undefined;
  for (const name of names) {
    const method = disposalMethod(owner.cls, [name]);
    if (!method) continue;
    const midLife = disposalCalledMidLife(ctx.index, ctx.scope, owner.cls, method.name, owner.member, names);
    if (!midLife) return { kind: 'method', method };
    problem ??= midLife;
  }
  return problem ? { kind: 'mid-life', message: problem } : { kind: 'none' };
}

/** The disposal method to insert into, adding `componentWillUnmount() {}` (once per class) after componentDidMount. */
function resolveDisposal(ctx: RuleContext, cls: AnyClass, disposal: Disposal, state: FixState): InstanceFunction {
  if (disposal.kind === 'method') return disposal.method;
  const known = state.addedUnmounts.get(cls);
  if (known) return known;
  const holder = ctx.template.statement('class __LeakfixHolder {\n  componentWillUnmount() {}\n}') as t.ClassDeclaration;
  const method = holder.body.body[0] as t.ClassMethod & { body: t.BlockStatement };
  const members = cls.body.body;
  const didMount = members.findIndex((m) => memberName(m) === 'componentDidMount');
  const render = members.findIndex((m) => memberName(m) === 'render');
  members.splice(didMount >= 0 ? didMount + 1 : render >= 0 ? render : members.length, 0, method);
  const added: InstanceFunction = { member: method, fn: method, name: 'componentWillUnmount' };
  state.addedUnmounts.set(cls, added);
  return added;
}

function methodLabel(disposal: InstanceFunction): string {
  return disposal.name.startsWith('Symbol.') ? `[${disposal.name}]` : disposal.name;
}

function isTypeScript(ctx: RuleContext): boolean {
  return ctx.parser === 'ts' || ctx.parser === 'tsx';
}

/** A field name derived from the local or the task, free among the class's members. */
function fieldNameFor(ctx: RuleContext, site: IntervalSite, use: DroppedUse | LocalUse, cls: AnyClass, state: FixState): string {
  const taken = state.fieldNames.get(cls) ?? classMemberNames(cls);
  state.fieldNames.set(cls, taken);
  const base = use.kind === 'local' ? use.binding.name : `${camelCase((taskName(ctx.index, site.callback, site.call) ?? 'interval').replace(/^props\./, ''))}Timer`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

function camelCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9_$]+/).filter(Boolean);
  if (words.length === 0) return 'interval';
  return words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join('');
}

/**
 * `private <field>?: ReturnType<typeof setInterval>;` at the top of the class body, where classes
 * declare their fields (recast would put blank lines around it after the last field).
 */
function addFieldDeclaration(ctx: RuleContext, cls: AnyClass, field: string, state: FixState): void {
  const holder = ctx.template.statement(`class __LeakfixHolder {\n  private ${field}?: ReturnType<typeof setInterval>;\n}`) as t.ClassDeclaration;
  const inserted = state.fieldInserts.get(cls) ?? 0;
  cls.body.body.splice(inserted, 0, holder.body.body[0]);
  state.fieldInserts.set(cls, inserted + 1);
}

/** `clearInterval(<path>);` at the top of the disposal method, in source order of the fixes. */
function insertClear(ctx: RuleContext, disposal: InstanceFunction, handlePath: string, state: FixState): void {
  const clear = ctx.template.statement('clearInterval(__leakfixHandle);') as t.ExpressionStatement;
  (clear.expression as t.CallExpression).arguments[0] = thisMember(ctx, handlePath);
  const at = state.disposalInserts.get(disposal.fn) ?? 0;
  disposal.fn.body.body.splice(at, 0, clear);
  state.disposalInserts.set(disposal.fn, at + 1);
}

/** `this.a` / `this.#a` as a new node (a private name cannot be parsed outside its class). */
function thisMember(ctx: RuleContext, handlePath: string): t.Expression {
  const name = handlePath.slice('this.'.length);
  if (!name.startsWith('#')) return ctx.template.expression(handlePath);
  const holder = ctx.template.statement(`class __LeakfixHolder {\n  ${name};\n  m() {\n    this.${name};\n  }\n}`) as t.ClassDeclaration;
  const method = holder.body.body[1] as t.ClassMethod;
  return (method.body.body[0] as t.ExpressionStatement).expression;
}

// ---------------------------------------------------------------------------------------------
// Property handles.

function propertySites(ctx: RuleContext, site: IntervalSite, handlePath: string, target: Node, state: FixState): Site[] {
  const isGlobal = (name: string, at: Node): boolean => ctx.isGlobal(name, at);
  const owner = target.type === 'ClassProperty' || target.type === 'ClassPrivateProperty' ? ownerOfField(ctx, target) : instanceOwner(ctx.index, site.call);
  const onInstance = owner !== undefined && handlePath.startsWith('this.') && handlePath.split('.').length === 2;
  if (!onInstance) {
    // Wherever the holder is in scope: another effect or a helper of the same component clears `ref.current` too.
    const cleared = clearsPath(holderScope(ctx, target) ?? ctx.file.program, handlePath, isGlobal);
    if (cleared) return [managed('interval-managed', site.call, `\`${handlePath}\` is cleared with clearInterval`), ...asyncReport(ctx, site, undefined)];
    return [
      refusal('interval-property-no-disposal', site.call, 'red', 'property-handle-no-owner', `\`${handlePath}\` is never cleared here, and may be cleared from elsewhere: left unchanged`),
    ];
  }
  const react = isReactComponentClass(ctx.index, ctx.scope, owner.cls);
  const existing = disposalMethod(owner.cls, react ? ['componentWillUnmount'] : ctx.options.strings('disposalMethods'));
  if (existing && methodClears(owner.cls, existing, handlePath, isGlobal)) {
    return [managed('interval-managed', site.call, `${methodLabel(existing)}() clears \`${handlePath}\``), ...asyncReport(ctx, site, owner)];
  }
  const choice = chooseDisposal(ctx, owner);
  if (choice.kind === 'mid-life') {
    return [refusal('interval-property-no-disposal', site.call, 'red', 'disposal-not-end-of-life', `${choice.message}: clearing \`${handlePath}\` there would stop it while the instance lives on`)];
  }
  if (choice.kind === 'none') {
    const clearedSomewhere = clearsPath(owner.cls, handlePath, isGlobal);
    return [
      refusal(
        'interval-property-no-disposal',
        site.call,
        clearedSomewhere ? 'yellow' : 'red',
        'no-disposal-method',
        `\`${handlePath}\` is ${clearedSomewhere ? 'cleared only outside a disposal method' : 'never cleared'}, and the class has no disposal method (${ctx.options.strings('disposalMethods').join(', ')})`,
      ),
    ];
  }
  if (choice.kind === 'method' && methodClears(owner.cls, choice.method, handlePath, isGlobal)) {
    return [managed('interval-managed', site.call, `${methodLabel(choice.method)}() clears \`${handlePath}\``), ...asyncReport(ctx, site, owner)];
  }
  if (!ctx.isGlobal('clearInterval', choice.kind === 'method' ? choice.method.fn.body : owner.cls.body)) {
    return [refusal('interval-property-no-disposal', site.call, 'red', 'shadowed', 'clearInterval is shadowed in the disposal method')];
  }
  const label = choice.kind === 'method' ? methodLabel(choice.method) : 'componentWillUnmount';
  const message =
    choice.kind === 'method' ? `${label}() does not clear \`${handlePath}\`: clear it there` : `the component never clears \`${handlePath}\`: clear it in a new componentWillUnmount()`;
  return [
    fixable('interval-property-no-disposal', site.call, 'red', message, () => insertClear(ctx, resolveDisposal(ctx, owner.cls, choice, state), handlePath, state)),
    ...asyncReport(ctx, site, owner),
  ];
}

/** The function (or program) where the root of `a.b.c` is declared, when it is a binding of this file. */
function holderScope(ctx: RuleContext, target: Node): Node | undefined {
  let root = target.type === 'MemberExpression' ? unwrapExpression(target.object) : undefined;
  while (root && (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression')) root = unwrapExpression(root.object);
  if (!root || root.type !== 'Identifier') return undefined;
  const binding = ctx.scope.resolve(root);
  if (!binding) return undefined;
  const node = binding.scope.node;
  return isFunction(node) || node.type === 'Program' ? node : (ctx.index.enclosingFunction(node) ?? ctx.file.program);
}

function ownerOfField(ctx: RuleContext, field: t.ClassProperty | t.ClassPrivateProperty): ClassOwner | undefined {
  const body = ctx.index.parent(field);
  const cls = body ? ctx.index.parent(body) : undefined;
  return cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression') ? { cls, member: field } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Case 3: supervise().

function superviseSites(ctx: RuleContext, site: IntervalSite, use: DroppedUse | LocalUse, handleReads: HandleRead[], pattern: Pattern, state: FixState): Site[] {
  const unrefStatement = use.kind === 'local' && handleReads.length === 1 ? nextStatementIfUnref(ctx, use, handleReads[0]) : undefined;
  const processLifetime = site.unref !== undefined || unrefStatement !== undefined;
  if (processLifetime && !ctx.options.bool('superviseUnref')) {
    return [managed('interval-process-lifetime', site.call, 'an unref()ed interval lives as long as the process by design and does not hold it open: left unchanged')];
  }
  if (handleReads.length > 0 && !unrefStatement) {
    return [refusal('interval-handle-read', site.call, 'yellow', 'handle-read', 'the handle is read after the interval starts; it is managed, or may be')];
  }
  const perEvent = perEventCallback(ctx.index, ctx.scope, site.call);
  if (perEvent) {
    return [
      refusal(pattern, site.call, 'red', 'interval-per-event', `the interval starts in ${perEvent}, which may run once per request, connection or event: supervise() would add a task per run, each alive until shutdown; clear it where that run's work ends (a 'close' event, a disconnect)`),
    ];
  }
  const plan = callbackPlan(ctx.index, ctx.scope, site);
  if (plan.kind === 'refuse') return [refusal(pattern, site.call, 'red', plan.reason, plan.message)];
  const unstable = site.extras.find((arg) => !isStableValue(ctx.scope, (name, at) => ctx.isGlobal(name, at), arg));
  if (unstable) return [refusal(pattern, site.call, 'red', 'unstable-extra-args', 'an extra setInterval argument would be re-evaluated on every run')];

  const delayRefusal = delaySite(ctx, site, processLifetime ? 'interval-process-lifetime' : pattern);
  if (delayRefusal) return [delayRefusal];

  const noRuntime = ctx.runtimeRefusal();
  if (noRuntime) return [refused(processLifetime ? 'interval-process-lifetime' : pattern, site.call, processLifetime ? 'yellow' : 'red', noRuntime.reason, `not supervised: ${noRuntime.message}`)];
  const name = uniqueTaskName(ctx, state, superviseTaskName(ctx.index, ctx.scope, site.callback, site.call) ?? (use.kind === 'local' ? use.binding.name : 'interval'));
  const signal = signalInScope(ctx.index, ctx.scope, site.call);
  const fix = (): void => {
    const callee = ctx.runtime.use('supervise');
    const options = [`everyMs: __leakfixDelay`, ...(signal ? [signal === 'signal' ? 'signal' : `signal: ${signal}`] : []), ...(processLifetime ? ['unref: true'] : [])];
    const extraNames = site.extras.map((_, i) => `__leakfixArg${i}`);
    const fnText = plan.kind === 'as-is' ? '__leakfixFn' : `() => __leakfixFn(${extraNames.join(', ')})`;
    const replacement = ctx.template.expression(`${callee}(${JSON.stringify(name)}, ${fnText}, { ${options.join(', ')} })`);
    const fnNode = plan.kind === 'wrap-call' ? asCallee(plan.target) : site.callback;
    if (plan.kind === 'as-is' && plan.dropParams) (unwrapExpression(site.callback) as t.ArrowFunctionExpression | t.FunctionExpression).params = [];
    const fills: Record<string, Node> = { __leakfixFn: fnNode, __leakfixDelay: site.delay };
    site.extras.forEach((arg, i) => (fills[extraNames[i]] = arg));
    fillPlaceholders(replacement, fills);
    // A cast of the handle (`as NodeJS.Timeout`) would not hold for the task: it goes with the call.
    replaceNode(ctx.index, outermostValue(ctx.index, site.top), replacement);
    if (use.kind === 'local') {
      const id = use.declarator.id as t.Identifier & { typeAnnotation?: unknown };
      if (id.typeAnnotation) id.typeAnnotation = null;
      if (unrefStatement) removeNode(ctx.index, unrefStatement);
    }
  };
  if (processLifetime) {
    return [fixable('interval-process-lifetime', site.call, 'yellow', 'an unref()ed interval: supervise it with { unref: true } so a throwing callback cannot crash the process', fix)];
  }
  const what = use.kind === 'dropped' ? "the interval's handle is dropped" : `\`${use.binding.name}\` is never read`;
  return [fixable(pattern, site.call, 'red', `${what}, so nothing can stop it and a throwing callback crashes the process: supervise it`, fix)];
}

/**
 * The refusal for a delay supervise() would not take as setInterval did, else undefined. Only the
 * supervise() rewrite needs this: effect cleanups and disposal methods keep the native timer.
 */
function delaySite(ctx: RuleContext, site: IntervalSite, pattern: Pattern): Site | undefined {
  const check = checkDelay(ctx.scope, site.delay);
  if (check.kind === 'numeric') return undefined;
  const text = shortText(ctx.source.slice(site.delay.start ?? 0, site.delay.end ?? 0));
  if (check.kind === 'out-of-range') {
    return refusal(
      pattern,
      site.call,
      'yellow',
      'delay-out-of-range',
      `the delay \`${text}\` is ${check.value} ms, which Node runs every 1 ms (it honours 0 to ${MAX_INTERVAL_MS}): supervise() would ${Number.isFinite(check.value) && check.value > MAX_INTERVAL_MS ? 'wait the full delay instead' : 'throw at the call'}; set the delay you mean and run again`,
    );
  }
  return refusal(
    pattern,
    site.call,
    'yellow',
    'delay-not-numeric',
    `the delay \`${text}\` is ${check.why}, not provably a number: supervise() takes a number of milliseconds and throws at the call on anything else (a string such as '5s', undefined, NaN, a negative number), where setInterval quietly ran every 1 ms; check that it is always a number, then supervise it by hand or bind it to a numeric const`,
  );
}

/** Source text for a one-line message: whitespace collapsed, long text cut. */
function shortText(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 37)}...` : line;
}

/** `this.timer.unref();` as the statement right after `this.timer = setInterval(...);`. */
function unrefFollows(ctx: RuleContext, statement: t.ExpressionStatement | undefined, handlePath: string): boolean {
  if (!statement) return false;
  const link = ctx.index.link(statement);
  if (!link?.inList) return false;
  const list = (link.parent as unknown as Record<string, Node[]>)[link.key];
  const next = list[list.indexOf(statement) + 1];
  if (next?.type !== 'ExpressionStatement') return false;
  const e = unwrapExpression(next.expression);
  return e.type === 'CallExpression' && e.arguments.length === 0 && calleePath(e) === `${handlePath}.unref`;
}

/** The `t.unref();` statement right after `const t = setInterval(...)`, when that is the only read. */
function nextStatementIfUnref(ctx: RuleContext, use: LocalUse, read: HandleRead): t.ExpressionStatement | undefined {
  if (read.kind !== 'unref') return undefined;
  const link = ctx.index.link(use.declaration);
  if (!link?.inList) return undefined;
  const list = (link.parent as unknown as Record<string, Node[]>)[link.key];
  const next = list[list.indexOf(use.declaration) + 1];
  return next?.type === 'ExpressionStatement' && next.expression === read.call ? next : undefined;
}

/** `base`, or `base#2`, `base#3`...: task names are unique within a file (existing supervise() names included). */
function uniqueTaskName(ctx: RuleContext, state: FixState, base: string): string {
  if (!state.taskNames) {
    state.taskNames = new Set();
    for (const call of ctx.index.ofType('CallExpression')) {
      const [first] = call.arguments;
      if (first?.type === 'StringLiteral' && callsModuleExport(ctx.index, ctx.scope, call, ctx.runtime.specifier, 'supervise')) state.taskNames.add(first.value);
    }
  }
  let name = base;
  for (let i = 2; state.taskNames.has(name); i++) name = `${base}#${i}`;
  state.taskNames.add(name);
  return name;
}

// ---------------------------------------------------------------------------------------------
// Other timers.

/** `function tick() { ...; setTimeout(tick, ms); }` and its arrow and method variants. */
function timeoutLoop(ctx: RuleContext, call: t.CallExpression): Site | undefined {
  const [callback] = call.arguments;
  if (!callback || callback.type === 'SpreadElement' || callback.type === 'ArgumentPlaceholder') return undefined;
  const target = targetFunction(ctx.index, ctx.scope, callback, instanceOwner(ctx.index, call));
  if (!target || target === unwrapExpression(callback) || !isWithin(call, target, ctx.index)) return undefined;
  const name = enclosingFunctionName(ctx.index, call) ?? 'the function';
  return refusal('timeout-loop', call, 'yellow', 'timeout-loop-not-rewritten', `${name} reschedules itself with setTimeout: nothing can stop the loop`);
}

/** A `setInterval` call that is not the global timer: reported with why it is left alone. */
function nonGlobalInterval(ctx: RuleContext, call: t.CallExpression): Site | undefined {
  const callee = unwrapExpression(call.callee);
  const pattern: Pattern = 'interval-not-global';
  if (callee.type === 'Identifier' && callee.name === 'setInterval') {
    const binding = ctx.scope.resolve(callee);
    if (binding && fromTimersPromises(ctx.index, binding)) {
      return refusal(pattern, call, 'yellow', 'timers-promises', 'setInterval from timers/promises is an async iterator, stopped by leaving its loop');
    }
    return refusal(pattern, call, 'yellow', 'shadowed', 'setInterval is a local binding here, not the global timer');
  }
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
  const calleeText = memberPath(callee);
  if (!calleeText?.endsWith('.setInterval')) return undefined;
  const object = unwrapExpression(callee.object);
  if (object.type === 'Identifier') {
    const binding = ctx.scope.resolve(object);
    if (binding && fromTimersPromises(ctx.index, binding)) {
      return refusal(pattern, call, 'yellow', 'timers-promises', `${calleeText} is the timers/promises async iterator, stopped by leaving its loop`);
    }
    if (binding && GLOBAL_OBJECTS.has(object.name)) {
      return refusal(pattern, call, 'yellow', 'shadowed', `\`${object.name}\` is a local binding here, so this is not the global timer`);
    }
  }
  return refusal(pattern, call, 'yellow', 'not-global', `${calleeText} is not the global setInterval`);
}
