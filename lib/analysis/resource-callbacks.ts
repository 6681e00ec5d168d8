/**
 * Callbacks that may still run after the acquiring code throws, for cleanup-to-finally. When the
 * code throws, the original leaves the resource open and its timers armed; a finally releases the
 * resource and clears them. That is a fix only if no callback depends on the open state:
 *
 *  - a callback scheduled with the resource (`setTimeout(() => r.flush(), ms)`, a listener
 *    `req.on('data', (c) => out.write(c))`) would run against a released resource;
 *  - a watchdog timer (its callback closes a session, kills a child, calls `process.exit`) would
 *    be cancelled, and the deadline it enforces with it.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isCall, isFunction, memberPath, unwrapExpression, walk, type Node } from './ast';
import { textOf, type AnalysisContext, type AnyCall } from './cleanup-calls';
import { globalTimerCall } from './resources';

const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'addEventListener', 'prependListener', 'prependOnceListener']);
const SCHEDULERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);

/** Words in a callee's name that say it releases, stops or ends something (`killProcess`, `close`, `exit`). */
const RELEASE_WORDS = new Set(['kill', 'terminate', 'destroy', 'close', 'abort', 'cancel', 'disconnect', 'release', 'shutdown', 'exit', 'end', 'stop', 'dispose', 'unsubscribe']);

/**
 * The call that schedules a callback using the resource (`setTimeout(() => r.flush(), ms)`,
 * `req.on('data', (c) => out.write(c))`, `process.nextTick(...)`): such a callback may run after a
 * throw, when the original still held the resource open. `owner` is the acquiring function.
 */
export function scheduledUser(ctx: AnalysisContext, references: readonly Node[], owner: Node): AnyCall | undefined {
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

/**
 * For a timer whose callback releases, stops or ends something when it fires (a deadline that
 * closes a session, escalates to SIGKILL, forces `process.exit`): that call's text. Aborting a local
 * `AbortController` does not count: once the code it serves has thrown, aborting it is moot.
 * A callback passed by name is followed to a local function.
 */
export function watchdogAction(ctx: AnalysisContext, declarator: t.VariableDeclarator): string | undefined {
  const callback = timerCallback(ctx, declarator.init);
  if (!callback) return undefined;
  let action: string | undefined;
  walk(callback, (n) => {
    if (action) return false;
    if (!isCall(n)) return undefined;
    const callee = unwrapExpression(n.callee);
    const name = calleeName(callee);
    if (!name || !nameWords(name).some((w) => RELEASE_WORDS.has(w))) return undefined;
    if (name === 'abort' && callee.type !== 'Identifier' && isLocalAbortController(ctx, (callee as t.MemberExpression).object)) return undefined;
    action = textOf(ctx, n);
    return false;
  });
  return action;
}

/** The function a global timer call (`setTimeout(cb, ms)`) runs, inline or a local function named by `cb`. */
function timerCallback(ctx: AnalysisContext, init: Node | null | undefined): Node | undefined {
  const timer = init ? globalTimerCall(init, (name, at) => ctx.isGlobal(name, at)) : undefined;
  let callback: Node | undefined = timer?.call.arguments[0];
  if (callback && unwrapExpression(callback).type === 'Identifier') {
    const binding = ctx.scope.resolve(unwrapExpression(callback));
    const declaration = binding?.declaration;
    if (declaration && isFunction(declaration)) callback = declaration;
    else if (declaration?.type === 'VariableDeclarator' && declaration.init && isFunction(unwrapExpression(declaration.init))) callback = declaration.init;
    else callback = undefined;
  }
  return callback && isFunction(unwrapExpression(callback)) ? callback : undefined;
}

/** `close` for `close()` and `session.close()`; undefined for computed callees. */
function calleeName(callee: Node): string | undefined {
  if (callee.type === 'Identifier') return callee.name;
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

/** `killProcess` → kill, process; `force_exit` → force, exit. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** `new AbortController()` bound to a local const: its signal serves this function's own work. */
function isLocalAbortController(ctx: AnalysisContext, receiver: Node): boolean {
  const n = unwrapExpression(receiver);
  if (n.type !== 'Identifier') return false;
  const binding = ctx.scope.resolve(n);
  const declarator = binding?.declaration;
  if (!binding || binding.references.some((r) => r.write) || declarator?.type !== 'VariableDeclarator' || !declarator.init) return false;
  const init = unwrapExpression(declarator.init);
  return init.type === 'NewExpression' && init.callee.type === 'Identifier' && init.callee.name === 'AbortController' && ctx.isGlobal('AbortController', init.callee);
}
