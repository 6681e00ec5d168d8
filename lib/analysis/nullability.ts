/**
 * Absence checks and nullable handles, for cleanup-to-finally: does an exit only run when the
 * resource is absent (`if (!client) return`), can the acquisition yield null or undefined
 * (`x ? open() : null`, `a?.open()`), and, when it can, may a finally still release it?
 *
 * Why it matters: a finally runs the cleanup on every path, including the ones where the original
 * had nothing to release. `clearTimeout(undefined)` is harmless there; `client.release()` on an
 * absent client throws a TypeError that replaces the original error, and an exit whose guard
 * differs from the others changes which path throws. Absence is tested by binding, not by name
 * (`refersTo`): an inner `const client` is another resource.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isFunction, unwrapExpression, type Node } from './ast';
import { IDEMPOTENT_CLEANUPS, isGuardedCleanup, isPresenceTest, refersTo, type AnalysisContext, type CleanupStatement, type RefersTo } from './cleanup-calls';
import { canCompleteNormally } from './control-flow';
import type { Binding } from './scope';

/** `!r`, `r == null`, `r === undefined`, `r === null`, `typeof r === 'undefined'`, and `||` of those. */
export function isAbsenceTest(test: Node, name: RefersTo): boolean {
  const n = unwrapExpression(test);
  if (n.type === 'UnaryExpression' && n.operator === '!') return isPresenceTest(n.argument, name);
  if (n.type === 'BinaryExpression' && (n.operator === '==' || n.operator === '===')) {
    return isPresenceTest({ ...n, operator: n.operator === '==' ? '!=' : '!==' } as t.BinaryExpression, name);
  }
  if (n.type === 'LogicalExpression' && n.operator === '||') return isAbsenceTest(n.left, name) && isAbsenceTest(n.right, name);
  return false;
}

/**
 * True when `exit` (a return/break/continue/throw) only runs when the resource is absent: inside
 * the consequent of `if (!r)` / `if (r == null)`, or the alternate of `if (r)`. Nothing to release there.
 */
export function runsOnlyWhenAbsent(ctx: AnalysisContext, exit: Node, name: RefersTo): boolean {
  let node: Node = exit;
  for (let parent = ctx.index.parent(node); parent && !isFunction(parent); node = parent, parent = ctx.index.parent(node)) {
    if (parent.type !== 'IfStatement') continue;
    if (parent.consequent === node && isAbsenceTest(parent.test, name)) return true;
    if (parent.alternate === node && isPresenceTest(parent.test, name)) return true;
  }
  return false;
}

/** An initializer that visibly yields null or undefined on some path: `x ? open() : null`, `a?.open()`, `ok && open()`. */
export function evidentlyNullable(init: Node | null | undefined): boolean {
  if (!init) return true;
  const n = unwrapExpression(init);
  switch (n.type) {
    case 'AwaitExpression':
      return evidentlyNullable(n.argument);
    case 'NullLiteral':
      return true;
    case 'Identifier':
      return n.name === 'undefined';
    case 'UnaryExpression':
      return n.operator === 'void';
    case 'ConditionalExpression':
      return evidentlyNullable(n.consequent) || evidentlyNullable(n.alternate);
    case 'LogicalExpression':
      return n.operator === '&&' || evidentlyNullable(n.right);
    case 'OptionalCallExpression':
    case 'OptionalMemberExpression':
      return true;
    case 'CallExpression':
    case 'MemberExpression':
      return evidentlyNullable(n.type === 'CallExpression' ? n.callee : n.object) && (n.type === 'CallExpression' ? n.callee : n.object).type.startsWith('Optional');
    default:
      return false;
  }
}

/** `if (!r) return;` (or any exit) first thing after the acquisition: every later cleanup sees a present handle. */
function startsWithAbsenceExit(region: readonly t.Statement[], name: RefersTo): boolean {
  const [first] = region;
  if (first?.type !== 'IfStatement' || first.alternate || !isAbsenceTest(first.test, name)) return false;
  return !canCompleteNormally([first.consequent]);
}

/** Why a finally cannot release a handle that may be absent. */
export type NullableHandle =
  /** Some cleanups guard the handle (`guarded` is the first) and others do not. */
  | { kind: 'guards-differ'; guarded: CleanupStatement }
  /** The acquisition can yield null or undefined and no cleanup checks it. */
  | { kind: 'unchecked' };

/**
 * Why a finally cannot release a handle that may be absent, else undefined. A release that is
 * harmless on null (clearTimeout) is always fine, and so is a region that leaves first thing when
 * the handle is absent. Otherwise the cleanups must agree: all guarded (the finally is guarded
 * too), or all unguarded with a handle that is not visibly nullable.
 */
export function nullableHandle(
  ctx: AnalysisContext,
  binding: Binding,
  declarator: t.VariableDeclarator,
  region: readonly t.Statement[],
  cleanups: readonly CleanupStatement[],
): NullableHandle | undefined {
  if (cleanups.every((c) => IDEMPOTENT_CLEANUPS.has(c.kind)) || startsWithAbsenceExit(region, refersTo(ctx, binding))) return undefined;
  const guarded = cleanups.filter(isGuardedCleanup);
  if (guarded.length > 0 && guarded.length < cleanups.length) return { kind: 'guards-differ', guarded: guarded[0] };
  if (guarded.length === 0 && evidentlyNullable(declarator.init)) return { kind: 'unchecked' };
  return undefined;
}
