/**
 * Loops and the ways out of them: which loops cannot end by themselves (constant-true tests,
 * `for await` over never-ending iterables), where a `break` or `continue` lands (labels, nested
 * switches and loops, never across a function), and which jumps leave a loop.
 *
 * Exceptions are not exits here: a loop whose only way out is a throw is "endless" for the code
 * that was meant to run after it.
 */
import type * as t from '@babel/types';
import { isFunction, memberPath, staticKeyName, unwrapExpression, walk, type AstIndex, type Node } from './ast';
import type { ScopeAnalysis } from './scope';
import { identifierOrigin } from './origins';
import { constantTruthiness, isLoop, isWithin, jumpTarget, type Loop } from './control-flow';

export { constantTruthiness };

// Loop kinds, jump targets and containment come from the control-flow analysis, so every rule
// resolves labels alike.
export { isLoop, isWithin, jumpTarget, type Loop };

/** Nodes whose inside is another function's control flow: jumps never cross them. */
function isFunctionBoundary(node: Node): boolean {
  return isFunction(node) || node.type === 'ClassBody' || node.type === 'StaticBlock' || node.type === 'Program';
}

/** `while (true)`, `for (;;)`, `do ... while (1)`, `while (!0)`: loops whose test never fails. */
export function hasConstantTrueTest(loop: Loop): boolean {
  switch (loop.type) {
    case 'WhileStatement':
    case 'DoWhileStatement':
      return constantTruthiness(loop.test) === true;
    case 'ForStatement':
      return loop.test == null || constantTruthiness(loop.test) === true;
    default:
      return false;
  }
}

/** The label on a loop (`outer: while (true)`), if any. */
export function labelOf(loop: Loop, index: AstIndex): t.LabeledStatement | undefined {
  const parent = index.parent(loop);
  return parent?.type === 'LabeledStatement' && parent.body === loop ? parent : undefined;
}

/** The nearest loop around `node` in the same function. */
export function enclosingLoop(node: Node, index: AstIndex): Loop | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (isFunctionBoundary(ancestor)) return undefined;
    if (isLoop(ancestor)) return ancestor;
  }
  return undefined;
}

/** The nearest loop around `node`, looking through function boundaries, with the functions crossed. */
export function enclosingLoopAcrossFunctions(node: Node, index: AstIndex): { loop: Loop; crossed: Node[] } | undefined {
  const crossed: Node[] = [];
  for (const ancestor of index.ancestors(node)) {
    if (ancestor.type === 'Program') return undefined;
    if (isFunctionBoundary(ancestor)) crossed.push(ancestor);
    else if (isLoop(ancestor)) return { loop: ancestor, crossed };
  }
  return undefined;
}

export type LoopExitKind = 'break' | 'labelled-break' | 'continue-outer' | 'return';

export interface LoopExit {
  kind: LoopExitKind;
  node: t.BreakStatement | t.ContinueStatement | t.ReturnStatement;
}

/** Visits the nodes of `root` that run in the same function (nested functions and class bodies skipped). */
export function walkSameFunction(root: Node, visit: (node: Node) => void): void {
  walk(root, (node) => {
    if (node !== root && isFunctionBoundary(node)) return false;
    visit(node);
    return undefined;
  });
}

/**
 * Every jump that leaves `loop` without an exception: a `break` that ends it or an outer
 * statement, a `continue` of an outer loop, a `return`. Breaks of inner switches and loops stay in.
 */
export function loopExits(loop: Loop, index: AstIndex): LoopExit[] {
  const exits: LoopExit[] = [];
  const body = loop.body;
  walkSameFunction(body, (node) => {
    if (node.type === 'ReturnStatement') {
      exits.push({ kind: 'return', node });
      return;
    }
    if (node.type !== 'BreakStatement' && node.type !== 'ContinueStatement') return;
    const target = jumpTarget(node, index);
    if (!target) return;
    // A labelled break targets the labelled statement, which sits outside a loop it labels.
    if (node.type === 'ContinueStatement') {
      if (!isWithin(target, loop, index)) exits.push({ kind: 'continue-outer', node });
      return;
    }
    if (target === loop || !isWithin(target, loop, index)) exits.push({ kind: node.label ? 'labelled-break' : 'break', node });
  });
  return exits;
}

/** Where a module export comes from: `{ module: 'events', path: 'on' }` for `on` imported from `node:events`. */
export interface ModuleOrigin {
  module: string;
  path: string;
}

function moduleName(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/** The module origin of a local name bound by `import` or `require` (not `import()`), or undefined. */
function moduleOrigin(identifier: t.Identifier, scope: ScopeAnalysis, index: AstIndex): ModuleOrigin | undefined {
  const origin = identifierOrigin(index, scope, identifier);
  if (!origin || origin.kind === 'local') return undefined;
  if (origin.kind === 'require' && origin.loader !== 'require') return undefined;
  // The module object itself (default, namespace, whole require) has the empty path.
  return { module: moduleName(origin.specifier), path: origin.imported ?? '' };
}

function rootIdentifier(node: Node): t.Identifier | undefined {
  let n = unwrapExpression(node);
  while (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') n = unwrapExpression(n.object);
  return n.type === 'Identifier' ? n : undefined;
}

/**
 * The module export a callee refers to: `on` (imported from `events`) → `events:on`,
 * `events.EventEmitter.on` with `events = require('node:events')` → `events:EventEmitter.on`.
 * Callees that are not imports give their dotted text (`bus.subscribe`).
 */
function calleeNames(callee: Node, scope: ScopeAnalysis, index: AstIndex): string[] {
  const text = memberPath(callee);
  if (text === undefined) return [];
  const names = [text];
  const root = rootIdentifier(callee);
  const origin = root ? moduleOrigin(root, scope, index) : undefined;
  if (origin) {
    const rest = text.split('.').slice(1);
    const path = [origin.path, ...rest].filter(Boolean).join('.');
    // A default import of `events` is the EventEmitter class itself.
    const paths = origin.path === '' && origin.module === 'events' ? [path, ['EventEmitter', ...rest].join('.')] : [path];
    for (const p of paths) names.push(`${origin.module}:${p}`);
  }
  return names;
}

/**
 * A `for await` loop over an iterable that never ends by itself: a call whose callee is one of
 * `endless` (entries are `module:export.path` for imports, or a callee's dotted text).
 */
export function iteratesEndlessly(loop: Loop, endless: readonly string[], scope: ScopeAnalysis, index: AstIndex): boolean {
  if (loop.type !== 'ForOfStatement' || !loop.await) return false;
  const right = iteratedCall(loop.right, scope);
  if (!right) return false;
  const names = calleeNames(right.callee, scope, index);
  if (!names.some((name) => endless.includes(name))) return false;
  return !(names.some((name) => EVENTS_ON.has(name)) && mayCloseOnEvent(right.arguments[2]));
}

/** The call a `for...of` iterates: written in place, or held by a `const` (`const messages = on(bus, 'm')`). */
function iteratedCall(iterable: Node, scope: ScopeAnalysis): t.CallExpression | t.OptionalCallExpression | undefined {
  let n = unwrapExpression(iterable);
  if (n.type === 'Identifier') {
    const binding = scope.resolve(n);
    const declaration = binding?.declaration;
    if (binding?.kind !== 'const' || declaration?.type !== 'VariableDeclarator' || declaration.id !== binding.identifier || !declaration.init) return undefined;
    n = unwrapExpression(declaration.init);
  }
  return n.type === 'CallExpression' || n.type === 'OptionalCallExpression' ? n : undefined;
}

const EVENTS_ON = new Set(['events:on', 'events:EventEmitter.on']);

/**
 * `events.on(emitter, name, { close: ['end'] })` ends when a `close` event fires. Options that
 * are not an object literal without `close` (a variable, a spread) may hold one too.
 */
function mayCloseOnEvent(options: Node | undefined): boolean {
  if (!options) return false;
  const n = unwrapExpression(options);
  if (n.type !== 'ObjectExpression') return true;
  return n.properties.some(
    (p) => p.type === 'SpreadElement' || ((p.type === 'ObjectProperty' || p.type === 'ObjectMethod') && (p.computed || staticKeyName(p.key, false) === 'close')),
  );
}
