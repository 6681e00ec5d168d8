/**
 * Does the acquiring function own the resource it binds, for cleanup-to-finally? A finally in
 * that function is right only if the release is its business. It is not when the value holds no
 * resource of its own (a module, a literal the code builds: `fs.close(fd)` releases `fd`), when
 * the binding only copies a value acquired elsewhere (`const w = this.watcher`), when a reference
 * hands the resource on (returned, yielded, stored, passed to `resolve`), or when the release is
 * handed to the caller as a returned disposer (`return () => clearTimeout(t)`: the caller owns it).
 * `setInterval` handles are supervise-intervals' to grade (`holdsInterval`).
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isCall, isFunction, memberPath, unwrapExpression, walk, type Node } from './ast';
import { statementShape, type AnalysisContext, type CleanupCall } from './cleanup-calls';
import { outermostValue } from './intervals';
import { globalTimerCall } from './resources';
import type { Binding } from './scope';

/**
 * A value that holds no resource of its own: a module (`require('fs')`, `require('events').X`,
 * `await import('x')`), or a literal the code builds (an object with a `close` method, a function).
 * Its `close(...)`/`release(...)` calls release something else (`fs.close(fd)`), or are its API.
 */
export function holdsNoResource(ctx: AnalysisContext, init: Node | null | undefined): boolean {
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
export function aliasedSource(init: Node | null | undefined): 'property' | 'binding' | undefined {
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
export function escapeOf(ctx: AnalysisContext, reference: t.Identifier): string | undefined {
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

/** True when a function boundary lies between `node` and `fn`. */
export function inNestedFunction(ctx: AnalysisContext, node: Node, fn: Node): boolean {
  for (const ancestor of ctx.index.ancestors(node)) {
    if (ancestor === fn) return false;
    if (isFunction(ancestor)) return true;
  }
  return false;
}

/** A function the acquiring function returns, whose call runs the cleanup. */
export interface Disposer {
  fn: t.Function;
  /** The value `return` hands out: the function, the object holding it, or the name bound to it. */
  returned: Node;
}

/** The `return value` of `owner` that hands out exactly `value`, else undefined. */
function returnedBy(ctx: AnalysisContext, value: Node, owner: Node): Node | undefined {
  const outer = outermostValue(ctx.index, value);
  const parent = ctx.index.parent(outer);
  return parent?.type === 'ReturnStatement' && parent.argument === outer && ctx.index.enclosingFunction(parent) === owner ? parent.argument : undefined;
}

/**
 * When the cleanup runs whenever its function is called (the concise body, or a top-level
 * statement of the body, maybe guarded by the resource itself) and `owner` returns that function
 * (directly, as a property or method of a returned object literal, or through a const name it
 * returns): the disposer.
 */
export function returnedDisposer(ctx: AnalysisContext, cleanup: CleanupCall, owner: Node): Disposer | undefined {
  const fn = ctx.index.enclosingFunction(cleanup.call);
  if (!fn || fn === owner || fn.type === 'Program' || !isFunction(fn) || fn.generator) return undefined;
  if (fn.body.type === 'BlockStatement') {
    const shape = statementShape(ctx, cleanup);
    if (shape.kind !== 'statement' || ctx.index.parent(shape.cleanup.statement) !== fn.body) return undefined;
  } else if (unwrapExpression(fn.body) !== cleanup.call) {
    return undefined;
  }
  let value: Node = fn;
  const holder = fn.type === 'ObjectMethod' ? fn : ctx.index.parent(outermostValue(ctx.index, fn));
  if (holder?.type === 'ObjectMethod' || (holder?.type === 'ObjectProperty' && holder.value === outermostValue(ctx.index, fn))) {
    const object = ctx.index.parent(holder);
    if (object?.type !== 'ObjectExpression') return undefined;
    value = object;
  }
  const direct = returnedBy(ctx, value, owner);
  if (direct) return { fn, returned: direct };
  // `const stop = () => ...; return stop;` and `function stop() { ... } return stop;`
  let name: t.Identifier | undefined;
  if (value === fn && fn.type === 'FunctionDeclaration' && fn.id) name = fn.id;
  const declarator = ctx.index.parent(outermostValue(ctx.index, value));
  if (declarator?.type === 'VariableDeclarator' && declarator.init === outermostValue(ctx.index, value) && declarator.id.type === 'Identifier') name = declarator.id;
  const binding = name ? ctx.scope.declared(name) : undefined;
  if (!binding || binding.references.some((r) => r.write)) return undefined;
  for (const reference of binding.references) {
    const returned = returnedBy(ctx, reference.identifier, owner);
    if (returned) return { fn, returned };
  }
  return undefined;
}

/** `setInterval(...)` or `setInterval(...).unref()` with the global `setInterval`. */
export function isIntervalCreation(ctx: AnalysisContext, value: Node | null | undefined): boolean {
  if (!value) return false;
  let n = unwrapExpression(value);
  if (n.type === 'CallExpression' && n.arguments.length === 0) {
    const callee = unwrapExpression(n.callee);
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'unref') n = unwrapExpression(callee.object);
  }
  return globalTimerCall(n, (name, at) => ctx.isGlobal(name, at))?.kind === 'setInterval';
}

/** Whether the binding is ever given a `setInterval` handle (initializer or assignment). */
export function holdsInterval(ctx: AnalysisContext, binding: Binding): boolean {
  const declarator = binding.declaration;
  if (declarator.type === 'VariableDeclarator' && declarator.id.type === 'Identifier' && isIntervalCreation(ctx, declarator.init)) return true;
  return binding.references.some((r) => {
    const parent = ctx.index.parent(r.identifier);
    return r.write && parent?.type === 'AssignmentExpression' && parent.operator === '=' && parent.left === r.identifier && isIntervalCreation(ctx, parent.right);
  });
}
