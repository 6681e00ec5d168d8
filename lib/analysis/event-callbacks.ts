/**
 * Code that may run once per event: inside a callback handed to a registration
 * (`app.get(path, (req, res) => ...)`, `wss.on('connection', (socket) => ...)`, `new CronJob(spec,
 * fn)`), a function registered by name (`app.get(path, handler)`, `this.onConn.bind(this)`), or
 * a function shaped like a request handler (`(req, res) => ...`, `export default function
 * handler(req, res)`), as opposed to callbacks that run once (`listen`, `once`, `.then`,
 * `setTimeout`, `new Promise`, `db.connect(cb)`). Something started there for good (an interval)
 * is started again on every event; its end belongs to that event's own end (`request.on('close')`).
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { calleePath, isCall, isFunction, staticKeyName, unwrapExpression, type AstIndex, type Node } from './ast';
import type { Binding, ScopeAnalysis } from './scope';
import { descendants } from './intervals';

/**
 * Methods whose callback runs once: promise reactions, one-shot listeners, startup hooks and
 * Node-style one-shot callbacks, and array iteration (which runs within the one run of the code
 * around it, which then decides).
 */
const ONCE_METHODS = new Set([
  'then', 'catch', 'finally', 'once', 'prependOnceListener', 'listen', 'nextTick', 'ready', 'whenReady', 'register',
  'connect', 'readFile', 'writeFile', 'stat', 'exec', 'execFile', 'lookup',
  'forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'reduce', 'from',
]);
const ONCE_FUNCTIONS = new Set(['setTimeout', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame', 'requestIdleCallback']);
const LISTENER_METHODS = new Set(['on', 'addListener', 'addEventListener', 'prependListener']);
/** Events heard once in a server's or a page's life (not `ready`: a client emits it on every reconnect). */
const ONCE_EVENTS = new Set(['listening', 'load', 'DOMContentLoaded']);
/** Parameter names of a request, response or connection handler. */
const HANDLER_PARAMS = new Set(['req', 'request', 'res', 'response', 'reply', 'socket', 'ws', 'conn', 'connection']);

type Registration = t.CallExpression | t.OptionalCallExpression | t.NewExpression;

/** `app.get('/events', ...)` for the call a callback is passed to. */
function registrationText(call: Registration): string {
  const callee = unwrapExpression(call.callee);
  const method = callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression' ? staticKeyName(callee.property, callee.computed) : undefined;
  const named = calleePath(call) ?? (method ? `….${method}` : 'a call');
  const path = call.type === 'NewExpression' ? `new ${named}` : named;
  const event = call.arguments[0];
  return event?.type === 'StringLiteral' ? `${path}('${event.value}', ...)` : `${path}(...)`;
}

/**
 * Whether a callback passed to `call` may run more than once. A plain function call (`main(cb)`,
 * `asyncHandler(fn)`) runs it as often as the call itself runs, so it repeats when the call is
 * itself handed to a registration that repeats.
 */
function repeats(index: AstIndex, call: Registration): string | undefined {
  const callee = unwrapExpression(call.callee);
  if (call.type === 'NewExpression') return callee.type === 'Identifier' && callee.name === 'Promise' ? undefined : registrationText(call);
  if (callee.type === 'Identifier') return ONCE_FUNCTIONS.has(callee.name) ? undefined : passedTo(index, call);
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return registrationText(call);
  const method = staticKeyName(callee.property, callee.computed);
  if (method === undefined) return registrationText(call);
  if (ONCE_METHODS.has(method) || ONCE_FUNCTIONS.has(method)) return undefined;
  const event = call.arguments[0];
  if (LISTENER_METHODS.has(method) && event?.type === 'StringLiteral' && ONCE_EVENTS.has(event.value)) return undefined;
  return registrationText(call);
}

/**
 * The repeating registration `value` is handed to: as an argument (also inside an array of
 * handlers, or through `.bind(...)`), or undefined.
 */
function passedTo(index: AstIndex, value: Node): string | undefined {
  let node = value;
  let parent = index.parent(node);
  // `this.onConn.bind(this)`, `[auth, handler]`: the function still ends up registered.
  while (parent) {
    if (parent.type === 'ArrayExpression') node = parent;
    else if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === node && staticKeyName(parent.property, parent.computed) === 'bind') {
      const bindCall = index.parent(parent);
      if (!bindCall || !isCall(bindCall) || bindCall.callee !== parent) return undefined;
      node = bindCall;
    } else break;
    parent = index.parent(node);
  }
  if (!parent || (!isCall(parent) && parent.type !== 'NewExpression')) return undefined;
  if (!(parent.arguments as Node[]).includes(node)) return undefined;
  return repeats(index, parent);
}

/** The binding a function is known by: `function f`, `const f = () => ...`, `f = () => ...`. */
function bindingOf(index: AstIndex, scope: ScopeAnalysis, fn: Node): Binding | undefined {
  if (fn.type === 'FunctionDeclaration') return fn.id ? scope.declared(fn.id) : undefined;
  const parent = index.parent(fn);
  if (parent?.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier') return scope.declared(parent.id);
  if (parent?.type === 'AssignmentExpression' && parent.right === fn && parent.left.type === 'Identifier') return scope.resolve(parent.left);
  return undefined;
}

/** `this.<name>` references to a method in its class, registered somewhere (`wss.on('connection', this.onConn.bind(this))`). */
function registeredMethod(index: AstIndex, method: t.ClassMethod | t.ClassPrivateMethod): string | undefined {
  const name = method.key.type === 'PrivateName' ? undefined : staticKeyName(method.key, method.computed === true);
  const body = index.parent(method);
  if (name === undefined || !body) return undefined;
  for (const member of descendants(body)) {
    if (member.type !== 'MemberExpression') continue;
    if (unwrapExpression(member.object).type !== 'ThisExpression' || staticKeyName(member.property, member.computed) !== name) continue;
    const registered = passedTo(index, member);
    if (registered) return registered;
  }
  return undefined;
}

/** `(req, res) => ...`, `function handler(request, response)`, `(socket) => ...`: a handler by its parameters. */
function looksLikeHandler(fn: t.Function): boolean {
  return fn.params.some((param) => param.type === 'Identifier' && HANDLER_PARAMS.has(param.name));
}

/**
 * Why `node` may run once per event: the registration whose callback it runs in (`app.get('/events',
 * ...)`), or a function with request/connection parameters; undefined when every function around
 * `node` runs once as far as this module shows.
 */
export function perEventCallback(index: AstIndex, scope: ScopeAnalysis, node: Node): string | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (!isFunction(ancestor)) continue;
    const direct = passedTo(index, ancestor);
    if (direct) return `a callback of ${direct}`;
    for (const reference of bindingOf(index, scope, ancestor)?.references ?? []) {
      const registered = passedTo(index, reference.identifier);
      if (registered) return `a function registered with ${registered}`;
    }
    if (ancestor.type === 'ClassMethod' || ancestor.type === 'ClassPrivateMethod') {
      const registered = registeredMethod(index, ancestor);
      if (registered) return `a method registered with ${registered}`;
    }
    if (looksLikeHandler(ancestor)) return `a function with the parameters of a request or connection handler (${ancestor.params.map((p) => (p.type === 'Identifier' ? p.name : '...')).join(', ')})`;
  }
  return undefined;
}
