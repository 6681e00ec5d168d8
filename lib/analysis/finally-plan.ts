/**
 * Where a cleanup's finally goes, for cleanup-to-finally: the statement the resource is acquired
 * by (also `let t;` assigned once in a `new Promise` executor), the block it sits in, whether an
 * existing try/finally already covers the resource (or starts too late, and may be widened), which
 * existing try/catch to extend instead of nesting a new one, and whether the region can be wrapped
 * at all (names it declares used outside it, multi-line literals that re-indenting would change,
 * cleanup arguments that could differ by the time a finally runs).
 *
 * Merging keeps what ran before the cleanup before it: the cleanup goes at the *end* of an existing
 * finally, so a finally that uses the resource, awaits, can throw or leaves is not merged into.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isFunction, unwrapExpression, walk, type Node } from './ast';
import { IDEMPOTENT_CLEANUPS, idempotentClearCall, statementShape, type AnalysisContext, type CleanupCall, type CleanupConfig, type CleanupStatement } from './cleanup-calls';
import { canCompleteAbruptly, canThrow, isWithin } from './control-flow';
import { containsAwait } from './release-observers';
import type { Binding } from './scope';

export type Block = { node: t.BlockStatement | t.Program | t.StaticBlock; body: t.Statement[] };

/** The block whose statement list holds `statement`, else undefined (a loop body without braces, a switch case). */
export function enclosingBlock(ctx: AnalysisContext, statement: t.Statement): Block | undefined {
  const link = ctx.index.link(statement);
  if (!link || !link.inList || link.key !== 'body') return undefined;
  const parent = link.parent;
  if (parent.type === 'BlockStatement' || parent.type === 'Program' || parent.type === 'StaticBlock') return { node: parent, body: parent.body };
  return undefined;
}

function inRange(node: Node, start: number, end: number): boolean {
  return (node.start ?? -1) >= start && (node.end ?? -1) <= end;
}

/** A template literal spanning lines, or a string literal with a line continuation: text that indentation changes. */
export function hasMultilineLiteral(root: Node): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (n.type === 'TemplateLiteral' && n.quasis.some((q) => q.value.raw.includes('\n'))) found = true;
    if (n.type === 'StringLiteral' && ((n.extra as { raw?: string } | undefined)?.raw ?? '').includes('\n')) found = true;
    return !found;
  });
  return found;
}

/** Names declared at the top of `statements` that are used outside `start..end`, or module syntax a block cannot hold. */
export function regionDeclarationsEscape(ctx: AnalysisContext, statements: readonly t.Statement[], start: number, end: number): boolean {
  for (const statement of statements) {
    if (statement.type.startsWith('Import') || statement.type.startsWith('Export') || statement.type === 'TSExportAssignment') return true;
    const ids: t.Identifier[] = [];
    if (statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration' || statement.type === 'TSEnumDeclaration') {
      if (statement.id) ids.push(statement.id);
    } else if (statement.type === 'VariableDeclaration' && statement.kind !== 'var') {
      for (const declarator of statement.declarations) {
        // Identifiers in defaults and computed keys are not declared; `declared()` skips them below.
        walk(declarator.id, (n) => {
          if (n.type === 'Identifier') ids.push(n);
        });
      }
    }
    for (const id of ids) {
      const binding = ctx.scope.declared(id);
      if (binding?.references.some((r) => !inRange(r.identifier, start, end))) return true;
    }
  }
  return false;
}

/** Whether some reference of the binding lies outside the declaration, the acquisition and `start..end`. */
export function usedOutside(binding: Binding, declaration: Node, acquisition: Node, start: number, end: number): boolean {
  return binding.references.some((r) => !isWithin(r.identifier, declaration) && !isWithin(r.identifier, acquisition) && !inRange(r.identifier, start, end));
}

/**
 * The cleanup's arguments and guard evaluate the same in a finally: literals, and names bound
 * outside the region that are never reassigned (or globals), combined by operators.
 */
export function stableCleanupInputs(ctx: AnalysisContext, cleanup: CleanupStatement, regionStart: number, regionEnd: number, resource: Binding): boolean {
  const inputs: Node[] = [...cleanup.call.arguments];
  if (cleanup.guardForm === 'if' && cleanup.statement.type === 'IfStatement') inputs.push(cleanup.statement.test);
  if (cleanup.guardForm === 'and' && cleanup.statement.type === 'ExpressionStatement' && cleanup.statement.expression.type === 'LogicalExpression') {
    inputs.push(cleanup.statement.expression.left);
  }
  let stable = true;
  for (const input of inputs) {
    walk(input, (n) => {
      if (!stable) return false;
      switch (n.type) {
        case 'Identifier': {
          const binding = ctx.scope.resolve(n);
          // The resource itself is proven set once before the region (never reassigned, or by an executor).
          if (binding && binding !== resource && (binding.references.some((r) => r.write) || inRange(binding.identifier, regionStart, regionEnd))) stable = false;
          return undefined;
        }
        case 'StringLiteral':
        case 'NumericLiteral':
        case 'BooleanLiteral':
        case 'NullLiteral':
        case 'BigIntLiteral':
        case 'UnaryExpression':
        case 'BinaryExpression':
        case 'LogicalExpression':
        case 'ParenthesizedExpression':
        case 'TSAsExpression':
        case 'TSNonNullExpression':
        case 'TemplateLiteral':
        case 'TemplateElement':
          return undefined;
        default:
          stable = false;
          return false;
      }
    });
  }
  return stable;
}

/**
 * Where the resource is acquired: its declaration, or for `let t;` with no initializer, the last
 * statement of the same block that assigns it (`const p = new Promise((r) => { t = setTimeout(r, ms); })`).
 */
export function acquisitionStatement(ctx: AnalysisContext, declarator: t.VariableDeclarator, declaration: t.VariableDeclaration, binding: Binding): t.Statement {
  const writes = binding.references.filter((r) => r.write && !isWithin(r.identifier, declaration));
  if (declarator.init || writes.length === 0) return declaration;
  const block = enclosingBlock(ctx, declaration);
  if (!block) return declaration;
  let last = block.body.indexOf(declaration);
  for (const write of writes) {
    const at = block.body.findIndex((s) => isWithin(write.identifier, s));
    if (at < 0) return declaration;
    last = Math.max(last, at);
  }
  return block.body[last];
}

/**
 * For `let t;` with no initializer, assigned exactly once, by a top-level statement of a `new
 * Promise(executor)` callback in the acquiring statement (the executor runs at once): true. The
 * handle is then set from that statement on. Only for timer clears, harmless if the executor threw
 * before the assignment and the handle is still undefined.
 */
export function executorAssignment(
  ctx: AnalysisContext,
  binding: Binding,
  declarator: t.VariableDeclarator,
  declaration: t.VariableDeclaration,
  acquisition: t.Statement,
  cleanups: readonly CleanupCall[],
): boolean {
  if (binding.kind !== 'let' || declarator.init || acquisition === declaration || !cleanups.every((c) => IDEMPOTENT_CLEANUPS.has(c.kind))) return false;
  const writes = binding.references.filter((r) => r.write);
  if (writes.length !== 1) return false;
  const write = writes[0].identifier;
  if (binding.references.some((r) => !r.write && (r.identifier.start ?? 0) < (acquisition.end ?? 0))) return false;
  const assignment = ctx.index.parent(write);
  const statement = assignment && ctx.index.parent(assignment);
  if (assignment?.type !== 'AssignmentExpression' || assignment.operator !== '=' || assignment.left !== write || statement?.type !== 'ExpressionStatement') return false;
  const body = ctx.index.parent(statement);
  const executor = body && ctx.index.parent(body);
  if (body?.type !== 'BlockStatement' || !executor || !isFunction(executor) || executor.body !== body || executor.async || executor.generator) return false;
  const creation = ctx.index.parent(executor);
  if (creation?.type !== 'NewExpression' || creation.arguments[0] !== executor) return false;
  const callee = unwrapExpression(creation.callee);
  if (callee.type !== 'Identifier' || callee.name !== 'Promise' || !ctx.isGlobal('Promise', callee) || !isWithin(creation, acquisition)) return false;
  // The executor must run as the acquiring statement runs: no function between it and that statement.
  return ctx.index.enclosingFunction(creation) === ctx.index.enclosingFunction(acquisition);
}

/** A try whose finally releases the resource but starts after code that can throw. */
export interface LateTry {
  tryStatement: t.TryStatement;
  between: t.Statement[];
  cleanup: CleanupStatement;
}

export interface FinallyCoverage {
  /** `covers`: released in a finally that covers every exit; `partial`: in a finally that does not; `none`: not in a finally. */
  verdict: 'covers' | 'partial' | 'none';
  /** For `partial`: the try that starts too late, when every use lies between the acquisition and its end. */
  late?: LateTry;
}

/**
 * `covers`: some cleanup sits directly in the finally of a try that follows the acquisition with
 * nothing in between that can throw or leave (or the acquisition is inside that try), and every use
 * of the resource is inside it. `partial`: a finally cleanup exists but does not cover.
 */
export function finallyCoverage(
  ctx: AnalysisContext,
  config: CleanupConfig,
  declaration: t.VariableDeclaration,
  acquisition: t.Statement,
  cleanups: readonly CleanupCall[],
  references: readonly Node[],
): FinallyCoverage {
  const acquiring = (r: Node): boolean => inRange(r, declaration.start ?? 0, acquisition.end ?? 0);
  let verdict: FinallyCoverage['verdict'] = 'none';
  let late: LateTry | undefined;
  for (const cleanup of cleanups) {
    const finalizer = ctx.index.closest(cleanup.call, (n): n is t.BlockStatement => n.type === 'BlockStatement' && ctx.index.link(n)?.key === 'finalizer', isFunction);
    if (!finalizer) continue;
    const tryStatement = ctx.index.parent(finalizer) as t.TryStatement;
    verdict = 'partial';
    const shape = statementShape(ctx, cleanup);
    if (shape.kind !== 'statement' || ctx.index.parent(shape.cleanup.statement) !== finalizer) continue;
    if (isWithin(declaration, tryStatement.block)) {
      if (references.every((r) => acquiring(r) || isWithin(r, tryStatement))) return { verdict: 'covers' };
      continue;
    }
    const block = enclosingBlock(ctx, declaration);
    if (!block) continue;
    const from = block.body.indexOf(acquisition);
    const to = block.body.indexOf(tryStatement);
    if (to < 0 || to < from) continue;
    const between = block.body.slice(from + 1, to);
    // Every use lies between the acquisition and the end of that try.
    if (!references.every((r) => acquiring(r) || inRange(r, between[0]?.start ?? tryStatement.start ?? 0, tryStatement.end ?? 0))) continue;
    if (!references.every((r) => acquiring(r) || isWithin(r, tryStatement))) {
      late = { tryStatement, between, cleanup: shape.cleanup };
      continue;
    }
    const safeCall = idempotentClearCall(ctx, config);
    const quiet = between.every((s) => !canThrow(s, { safeCall })) && !canCompleteAbruptly(between);
    if (quiet) return { verdict: 'covers' };
    late = { tryStatement, between, cleanup: shape.cleanup };
  }
  return { verdict, late };
}

/**
 * Widening that try to start right after the acquisition is the fix (not a second cleanup) when
 * awaited work runs in between and the only change is that a throw there now releases too: the
 * try has no catch (which would now catch those throws), its finally does nothing but release, the
 * code in between neither leaves (return/break) nor declares names used later, and has no
 * multi-line literal to re-indent. `acquired` is the source range of the acquiring statements.
 */
export function widenPlan(ctx: AnalysisContext, late: LateTry, binding: Binding, acquired: readonly [number, number]): LateTry | undefined {
  const { tryStatement, between } = late;
  if (binding.references.some((r) => r.write && !inRange(r.identifier, acquired[0], acquired[1]))) return undefined;
  if (tryStatement.handler || !tryStatement.finalizer || tryStatement.finalizer.body.length !== 1) return undefined;
  // Awaited work between them is the leak worth a diff; code that throws only in theory
  // (building an object, `new Monitor()`) is left as it is and still reported.
  if (!between.some(containsAwait)) return undefined;
  if (late.cleanup.statement !== tryStatement.finalizer.body[0] || late.cleanup.target.name !== binding.name) return undefined;
  if (canCompleteAbruptly(between)) return undefined;
  if (regionDeclarationsEscape(ctx, between, between[0]?.start ?? 0, tryStatement.end ?? 0)) return undefined;
  if (between.some(hasMultilineLiteral)) return undefined;
  return late;
}

/**
 * The try/catch to extend with a finally instead of nesting a new try: the first statement after
 * the acquisition that can throw is a `try`, every cleanup is inside it or right after it, and its
 * existing finally (if any) neither uses the resource, awaits, nor leaves.
 */
export function mergeTarget(ctx: AnalysisContext, config: CleanupConfig, region: readonly t.Statement[], cleanups: readonly CleanupStatement[], name: string): t.TryStatement | undefined {
  const safeCall = idempotentClearCall(ctx, config);
  const k = region.findIndex((s) => s.type === 'TryStatement' || canThrow(s, { safeCall }) || canCompleteAbruptly([s]));
  if (k < 0 || region[k].type !== 'TryStatement') return undefined;
  const tryStatement = region[k] as t.TryStatement;
  const after = region[k + 1];
  const outside = cleanups.filter((c) => !isWithin(c.statement, tryStatement.block) && !(tryStatement.handler && isWithin(c.statement, tryStatement.handler)));
  if (outside.length > 1 || (outside.length === 1 && outside[0].statement !== after)) return undefined;
  const finalizer = tryStatement.finalizer;
  if (finalizer) {
    let usesResource = false;
    walk(finalizer, (n) => {
      if (n.type === 'Identifier' && n.name === name) usesResource = true;
      return !usesResource;
    });
    if (usesResource || containsAwait(finalizer)) return undefined;
    // The cleanup goes at the end of that finally (what ran before it still does): code there that
    // can throw would skip it, so such a try is wrapped instead.
    if (finalizer.body.some((s) => canThrow(s, { safeCall }))) return undefined;
    if (canCompleteAbruptly(finalizer.body)) return undefined;
  }
  return tryStatement;
}
