/**
 * Can this code observe a release? For cleanup-to-finally, which moves a cleanup from its place
 * to a finally, so that the code between the cleanup and the exit it protects now runs *before*
 * the release instead of after it.
 *
 * A release runs code: close listeners, `abort()` handlers, a pool's bookkeeping and, while
 * `await r.close()` waits, other tasks. So only code that provably cannot see any of that may move
 * before it: literals, names no other function writes, property reads, closures built from them,
 * `new Error(...)` of such values, a few pure globals (`JSON.parse`, `Math.max`). A call, an
 * assignment to something shared, an `await`, or a name some callback bumps (`closed++`) could see
 * a different world if moved before the release.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isFunction, memberPath, unwrapExpression, walk, type Node } from './ast';
import type { AnalysisContext, AnyCall } from './cleanup-calls';
import type { Binding } from './scope';

/** Global constructors whose `new X(...)` only builds a value (an error to throw). */
const VALUE_CONSTRUCTORS = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'AggregateError', 'URIError', 'EvalError']);

/** Global functions that compute a value from their arguments and run no code of the program's: `JSON.parse(text)`, `Math.max(a, b)`. */
const PURE_GLOBAL_CALLS = new Set(['JSON.parse', 'Array.isArray', 'Number.isFinite', 'Number.isInteger', 'Number.isNaN', 'Number.parseInt', 'Number.parseFloat', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']);

/** Whether `node` cannot observe a release, so it may run before it instead of after (see the module docblock). */
export function cannotObserveRelease(ctx: AnalysisContext, node: Node): boolean {
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

/** Whether `node` awaits or yields in its own function (`await`, `yield`, `for await`): other tasks run there. */
export function containsAwait(node: Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n !== node && isFunction(n)) return false;
    if (n.type === 'AwaitExpression' || n.type === 'YieldExpression' || (n.type === 'ForOfStatement' && n.await)) found = true;
    return undefined;
  });
  return found;
}

function isPureGlobalCall(ctx: AnalysisContext, call: AnyCall): boolean {
  const callee = unwrapExpression(call.callee);
  const path = memberPath(callee);
  if (!path) return false;
  const root = path.split('.')[0];
  const rootNode = callee.type === 'Identifier' ? callee : (callee as t.MemberExpression).object;
  if (!ctx.isGlobal(root, rootNode)) return false;
  return PURE_GLOBAL_CALLS.has(path) || (root === 'Math' && path.split('.').length === 2);
}

/** A local of the current function that no nested function reads or writes: nothing else can see it change (`done++`). */
function isPrivateLocal(ctx: AnalysisContext, id: t.Identifier): boolean {
  const binding = ctx.scope.resolve(id);
  if (!binding || (binding.kind !== 'let' && binding.kind !== 'var' && binding.kind !== 'const')) return false;
  const home = ctx.index.enclosingFunction(binding.identifier);
  if (!home || home.type === 'Program' || home !== ctx.index.enclosingFunction(id)) return false;
  return binding.references.every((r) => ctx.index.enclosingFunction(r.identifier) === home);
}

/** A binding written from another function than the one declaring it: a callback may change it while a release runs. */
function writtenElsewhere(ctx: AnalysisContext, binding: Binding): boolean {
  const home = ctx.index.enclosingFunction(binding.identifier);
  return binding.references.some((r) => r.write && ctx.index.enclosingFunction(r.identifier) !== home);
}
