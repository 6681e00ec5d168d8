/**
 * What a `supervise(name, fn, { everyMs, signal })` rewrite needs to know about the code around a
 * `setInterval`: whether its delay is provably a number supervise() takes as setInterval did,
 * whether its extra arguments can be re-read on each run, which AbortSignal is in scope, whether
 * `setInterval` is the timers/promises iterator; and how existing nodes are moved into the new call
 * (placeholders, a function in callee position).
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { calleePath, isFunction, memberPath, unwrapExpression, walk, type AstIndex, type Node } from './ast';
import type { Binding, ScopeAnalysis } from './scope';
import { descendants, instanceOwner, isStableBinding, targetFunction, usesOwnThisOrArguments } from './intervals';
import { bindingOrigin } from './origins';

/** Constants and never-reassigned names: re-reading them on each run gives what setInterval got once. */
export function isStableValue(scope: ScopeAnalysis, isGlobal: (name: string, at: Node) => boolean, node: Node): boolean {
  const n = unwrapExpression(node);
  switch (n.type) {
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'BigIntLiteral':
    case 'ThisExpression':
      return true;
    case 'TemplateLiteral':
      return n.expressions.length === 0;
    case 'Identifier':
      if (n.name === 'undefined') return isGlobal('undefined', n);
      return isStableBinding(scope.resolve(n));
    default:
      return false;
  }
}

/**
 * The longest delay Node's setInterval honours (TIMEOUT_MAX): a longer one runs every 1 ms, where
 * supervise() would wait the full time. (Both take 0 to 1 as 1 ms.)
 */
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** Whether a setInterval delay can become `everyMs` with the same schedule. */
export type DelayCheck =
  | { kind: 'numeric' }
  /** Not provably a number: supervise() throws at the call where setInterval coerced it (to 1 ms). */
  | { kind: 'not-numeric'; why: string }
  /** A number Node runs every 1 ms (negative, NaN, infinite, above MAX_INTERVAL_MS), where supervise() throws or waits. */
  | { kind: 'out-of-range'; value: number };

/**
 * Checks the delay of a setInterval that becomes `supervise(..., { everyMs: <delay> })`. The runtime
 * throws on a delay that is not a finite number >= 0, where Node coerces anything to a number and
 * runs a non-number (`'5s'`, `undefined`, NaN) every 1 ms: rewriting such a site would crash it at
 * startup. Only delays this file proves numeric pass: numeric literals, arithmetic on them, `a ? b : c`
 * of two such delays, and consts (or lets never assigned again) bound to one. Parameters, imports,
 * properties and calls (`Number(x)`, `parseInt(x)` may be NaN) are not provable; typed `number`s
 * neither, since NaN, Infinity and JavaScript callers pass the type check.
 */
export function checkDelay(scope: ScopeAnalysis, delay: Node): DelayCheck {
  const values = constantNumbers(scope, delay, new Set());
  if (typeof values === 'string') return { kind: 'not-numeric', why: values };
  const outside = values.find((v) => !(v >= 0 && v <= MAX_INTERVAL_MS));
  return outside === undefined ? { kind: 'numeric' } : { kind: 'out-of-range', value: outside };
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
};

/**
 * The numbers `node` can evaluate to (two for a conditional), or why they are not provable: a
 * phrase that completes "the delay ... is". `seen` guards against `const A = B, B = A` cycles.
 */
function constantNumbers(scope: ScopeAnalysis, node: Node, seen: Set<Binding>): number[] | string {
  const n = unwrapExpression(node);
  switch (n.type) {
    case 'NumericLiteral':
      return [n.value];
    case 'UnaryExpression': {
      if (n.operator !== '-' && n.operator !== '+') return `a \`${n.operator}\` expression`;
      const inner = constantNumbers(scope, n.argument, seen);
      return typeof inner === 'string' || n.operator === '+' ? inner : inner.map((v) => -v);
    }
    case 'BinaryExpression': {
      const apply = ARITHMETIC[n.operator];
      if (!apply || n.left.type === 'PrivateName') return `a \`${n.operator}\` expression`;
      const left = constantNumbers(scope, n.left, seen);
      if (typeof left === 'string') return left;
      const right = constantNumbers(scope, n.right, seen);
      if (typeof right === 'string') return right;
      return left.flatMap((a) => right.map((b) => apply(a, b)));
    }
    case 'ConditionalExpression': {
      const consequent = constantNumbers(scope, n.consequent, seen);
      if (typeof consequent === 'string') return consequent;
      const alternate = constantNumbers(scope, n.alternate, seen);
      return typeof alternate === 'string' ? alternate : [...consequent, ...alternate];
    }
    case 'Identifier':
      return bindingNumbers(scope, n, seen);
    case 'StringLiteral':
    case 'TemplateLiteral':
      return 'a string';
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return 'read from an object';
    case 'CallExpression':
    case 'OptionalCallExpression':
    case 'NewExpression':
      return 'computed by a call';
    case 'LogicalExpression':
      return `a \`${n.operator}\` expression`;
    default:
      return 'an expression';
  }
}

function bindingNumbers(scope: ScopeAnalysis, id: t.Identifier, seen: Set<Binding>): number[] | string {
  const binding = scope.resolve(id);
  if (!binding) {
    // Unresolved, so the globals: NaN and Infinity are numbers Node runs every 1 ms.
    if (id.name === 'NaN') return [Number.NaN];
    if (id.name === 'Infinity') return [Number.POSITIVE_INFINITY];
    return id.name === 'undefined' ? 'undefined' : 'a global';
  }
  switch (binding.kind) {
    case 'param':
      return 'a parameter';
    case 'import':
      return 'imported';
    case 'const':
    case 'let':
      break;
    default:
      // A `var` reads undefined before its declaration runs, where a const or let throws in both versions.
      return `declared with ${binding.kind}`;
  }
  const declarator = binding.declaration;
  // A `let` written again could hold anything by the time the interval starts.
  if (binding.references.some((r) => r.write)) return 'assigned more than once';
  if (declarator.type !== 'VariableDeclarator' || declarator.id !== binding.identifier || !declarator.init) return `a ${binding.kind} without a value of its own`;
  if (seen.has(binding)) return 'defined in a cycle';
  seen.add(binding);
  const values = constantNumbers(scope, declarator.init, seen);
  seen.delete(binding);
  return typeof values === 'string' ? `a ${binding.kind} whose value is ${values}` : values;
}

/**
 * An AbortSignal in scope at the call: a parameter or variable `signal` declared before it, or
 * `options.signal` when that expression is already used with the same `options`.
 */
export function signalInScope(index: AstIndex, scope: ScopeAnalysis, call: Node): string | undefined {
  const at = scope.scopeAt(call, (n) => index.parent(n));
  const signal = scope.lookup('signal', at);
  if (signal && isValueBinding(signal) && declaredBefore(signal, call) && mayBeAbortSignal(signal)) return 'signal';
  for (const name of ['options', 'opts']) {
    const holder = scope.lookup(name, at);
    if (!holder || !isValueBinding(holder) || !declaredBefore(holder, call)) continue;
    const usesSignal = holder.references.some((r) => {
      const parent = index.parent(r.identifier);
      return parent?.type === 'MemberExpression' && parent.object === r.identifier && memberPath(parent) === `${name}.signal`;
    });
    if (usesSignal) return `${name}.signal`;
  }
  return undefined;
}

function isValueBinding(binding: Binding): boolean {
  return binding.kind === 'param' || binding.kind === 'const' || binding.kind === 'let' || binding.kind === 'var';
}

function declaredBefore(binding: Binding, node: Node): boolean {
  return binding.kind === 'param' || (binding.identifier.end ?? Infinity) <= (node.start ?? 0);
}

/** A typed `signal` must mention AbortSignal; an untyped one is taken at its name. */
function mayBeAbortSignal(binding: Binding): boolean {
  const annotation = (binding.identifier as { typeAnnotation?: Node | null }).typeAnnotation;
  if (!annotation) return true;
  return descendants(annotation).some((n) => n.type === 'Identifier' && n.name === 'AbortSignal');
}

/**
 * An inline function moved into callee position (`(<fn>)(args)`) needs parentheses. Recast only
 * reuses a moved node's original text where it needs no parentheses of its own, else reprints it
 * (`(x) => f(x)` would become `x => f(x)`): an explicit parenthesized node keeps the text as written.
 */
export function asCallee(target: Node): Node {
  if (!isFunction(unwrapExpression(target))) return target;
  const parenthesized: t.ParenthesizedExpression = { type: 'ParenthesizedExpression', expression: target as t.Expression };
  return parenthesized;
}

/** Replaces placeholder identifiers in freshly built code by existing nodes (which keep their text). */
export function fillPlaceholders(root: Node, fills: Record<string, Node>): void {
  walk(root, (node, link) => {
    if (node.type !== 'Identifier' || !(node.name in fills) || !link) return undefined;
    const holder = (link.parent as unknown as Record<string, unknown>)[link.key];
    if (link.inList) {
      const list = holder as Node[];
      list[list.indexOf(node)] = fills[node.name];
    } else {
      (link.parent as unknown as Record<string, unknown>)[link.key] = fills[node.name];
    }
    return false;
  });
}

const TIMERS_PROMISES = new Set(['timers/promises', 'node:timers/promises']);

/** `setInterval` (or the module holding it) imported or required from timers/promises. */
export function fromTimersPromises(index: AstIndex, binding: Binding): boolean {
  const origin = bindingOrigin(index, binding);
  if (origin.kind === 'local' || (origin.kind === 'require' && origin.loader === 'import-equals')) return false;
  return TIMERS_PROMISES.has(origin.specifier);
}

/** How supervise() gets the callback: as it is (maybe without its unused params), wrapped in a call, or not at all. */
export type CallbackPlan =
  | { kind: 'as-is'; dropParams?: boolean }
  | { kind: 'wrap-call'; target: Node }
  | { kind: 'refuse'; reason: 'callback-uses-this' | 'callback-not-analyzable' | 'unstable-callback' | 'unbound-method-callback'; message: string };

/** Whether the callback can be handed to supervise, which calls it with `({ signal, attempt })`. */
export function callbackPlan(index: AstIndex, scope: ScopeAnalysis, site: { call: Node; callback: Node; extras: readonly Node[] }): CallbackPlan {
  const cb = unwrapExpression(site.callback);
  const needsArguments = site.extras.length > 0;
  switch (cb.type) {
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      if (cb.type === 'FunctionExpression' && usesOwnThisOrArguments(index, cb)) {
        return { kind: 'refuse', reason: 'callback-uses-this', message: 'the callback uses `this` or `arguments`, which supervise() would give other values' };
      }
      if (cb.type === 'FunctionExpression' && cb.generator) return { kind: 'refuse', reason: 'callback-not-analyzable', message: 'a generator callback' };
      if (cb.params.length > 0 && !needsArguments && cb.params.every((p) => isUnusedParam(scope, p))) return { kind: 'as-is', dropParams: true };
      return cb.params.length > 0 || needsArguments ? { kind: 'wrap-call', target: site.callback } : { kind: 'as-is' };
    case 'Identifier': {
      const binding = scope.resolve(cb);
      if (!isStableBinding(binding)) {
        return { kind: 'refuse', reason: 'unstable-callback', message: `\`${cb.name}\` is ${binding ? 'reassigned' : 'not declared in this file'}: calling it later could call something else` };
      }
      return { kind: 'wrap-call', target: site.callback };
    }
    case 'CallExpression': {
      const path = calleePath(cb);
      if (path?.endsWith('.bind') && cb.arguments.length === 1 && !needsArguments) {
        const target = targetFunction(index, scope, cb, instanceOwner(index, site.call));
        if (target && target.params.length === 0 && !(target.type === 'FunctionExpression' && usesArguments(target))) return { kind: 'as-is' };
      }
      return { kind: 'refuse', reason: 'callback-not-analyzable', message: 'the callback is computed by a call; re-evaluating or re-binding it could change behaviour' };
    }
    case 'MemberExpression':
      return { kind: 'refuse', reason: 'unbound-method-callback', message: 'an unbound method reference: wrapping it would change its `this`' };
    default:
      return { kind: 'refuse', reason: 'callback-not-analyzable', message: 'the callback is computed by an expression' };
  }
}

/** A plain parameter nothing reads (`_ => {...}`): setInterval passes it nothing, so it can go. */
function isUnusedParam(scope: ScopeAnalysis, param: Node): boolean {
  if (param.type !== 'Identifier') return false;
  const binding = scope.declared(param);
  return binding !== undefined && binding.references.length === 0;
}

function usesArguments(fn: t.FunctionExpression): boolean {
  return descendants(fn.body).some((n) => n.type === 'Identifier' && n.name === 'arguments');
}
