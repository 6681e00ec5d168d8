/**
 * What a `supervise(name, fn, { everyMs, signal })` rewrite needs to know about the code around a
 * `setInterval`: whether its extra arguments can be re-read on each run, which AbortSignal is in
 * scope, whether `setInterval` is the timers/promises iterator; and how existing nodes are moved
 * into the new call (placeholders, a function in callee position).
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isFunction, memberPath, unwrapExpression, walk, type AstIndex, type Node } from './ast';
import type { Binding, ScopeAnalysis } from './scope';
import { descendants, isStableBinding } from './intervals';

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

export function fromTimersPromises(index: AstIndex, binding: Binding): boolean {
  const declaration = binding.declaration;
  if (declaration.type === 'ImportSpecifier' || declaration.type === 'ImportNamespaceSpecifier' || declaration.type === 'ImportDefaultSpecifier') {
    const importDeclaration = index.parent(declaration);
    return importDeclaration?.type === 'ImportDeclaration' && TIMERS_PROMISES.has(importDeclaration.source.value);
  }
  if (declaration.type === 'VariableDeclarator' && declaration.init) {
    let init = unwrapExpression(declaration.init);
    if (init.type === 'MemberExpression') init = unwrapExpression(init.object);
    if (init.type === 'AwaitExpression') init = unwrapExpression(init.argument);
    if ((init.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require') || init.type === 'ImportExpression') {
      const arg = init.type === 'CallExpression' ? init.arguments[0] : init.source;
      return arg?.type === 'StringLiteral' && TIMERS_PROMISES.has(arg.value);
    }
    if (init.type === 'CallExpression' && init.callee.type === 'Import') {
      const arg = init.arguments[0];
      return arg?.type === 'StringLiteral' && TIMERS_PROMISES.has(arg.value);
    }
  }
  return false;
}
