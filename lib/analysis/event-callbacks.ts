/**
 * Code that runs once per event: inside a callback handed to a registration
 * (`app.get(path, (req, res) => ...)`, `wss.on('connection', (socket) => ...)`, `app.get(path,
 * handler)` with `function handler(req, res)`), as opposed to callbacks that run once (`listen`,
 * `once`, `.then`, `setTimeout`, `new Promise`). Something started there for good (an interval)
 * is started again on every event; its end belongs to that event's own end (`request.on('close')`).
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { calleePath, isCall, isFunction, staticKeyName, unwrapExpression, type AstIndex, type Node } from './ast';
import type { ScopeAnalysis } from './scope';

/**
 * Methods and functions whose callback runs once (or, for array iteration, within the one run of
 * the code around it, which is then what decides).
 */
const ONCE_METHODS = new Set([
  'then', 'catch', 'finally', 'once', 'prependOnceListener', 'listen', 'nextTick', 'whenReady', 'ready',
  'forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'reduce',
]);
const ONCE_FUNCTIONS = new Set(['setTimeout', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'requestIdleCallback']);
const LISTENER_METHODS = new Set(['on', 'addListener', 'addEventListener', 'prependListener']);
/** Events a listener hears once in a process or page's life. */
const ONCE_EVENTS = new Set(['ready', 'listening', 'load', 'DOMContentLoaded']);

/** Whether a callback passed to `call` runs at most once. */
function runsOnce(call: t.CallExpression | t.OptionalCallExpression | t.NewExpression): boolean {
  if (call.type === 'NewExpression') return true; // new Promise(executor), new Worker(...)
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier') return ONCE_FUNCTIONS.has(callee.name);
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  const method = staticKeyName(callee.property, callee.computed);
  if (method === undefined) return false;
  if (ONCE_METHODS.has(method) || ONCE_FUNCTIONS.has(method)) return true;
  const event = call.arguments[0];
  return LISTENER_METHODS.has(method) && event?.type === 'StringLiteral' && ONCE_EVENTS.has(event.value);
}

/** `app.get(...)` for the call a callback is passed to. */
function registrationText(call: t.CallExpression | t.OptionalCallExpression): string {
  const path = calleePath(call) ?? 'a call';
  const event = call.arguments[0];
  return event?.type === 'StringLiteral' ? `${path}('${event.value}', ...)` : `${path}(...)`;
}

/** The call `fn` is passed to as an argument (not as its callee), when it runs more than once. */
function repeatingRegistration(index: AstIndex, fn: Node): string | undefined {
  const parent = index.parent(fn);
  if (!parent || (!isCall(parent) && parent.type !== 'NewExpression')) return undefined;
  if (!(parent.arguments as Node[]).includes(fn) || runsOnce(parent)) return undefined;
  return registrationText(parent as t.CallExpression);
}

/** The identifier a function is declared as: `function f`, `const f = () => ...`. */
function nameOf(index: AstIndex, fn: Node): t.Identifier | undefined {
  if (fn.type === 'FunctionDeclaration') return fn.id ?? undefined;
  const parent = index.parent(fn);
  return parent?.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier' ? parent.id : undefined;
}

/**
 * The registration (`app.get('/events', ...)`) whose callback `node` runs in, once per event, or
 * undefined when every function around `node` runs once as far as this module shows.
 */
export function perEventCallback(index: AstIndex, scope: ScopeAnalysis, node: Node): string | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (!isFunction(ancestor)) continue;
    const direct = repeatingRegistration(index, ancestor);
    if (direct) return direct;
    // A named function registered by name: `function handler(req, res) {...}` (or `const handler =
    // (req, res) => {...}`) and `app.get(path, handler)`.
    const name = nameOf(index, ancestor);
    const binding = name ? scope.declared(name) : undefined;
    for (const reference of binding?.references ?? []) {
      const registered = repeatingRegistration(index, reference.identifier);
      if (registered) return registered;
    }
  }
  return undefined;
}
