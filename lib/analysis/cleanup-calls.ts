/**
 * What a cleanup looks like, for cleanup-to-finally: which calls release a local resource
 * (`clearTimeout(t)`, `client.release()`, `r?.close()`), which statements are nothing but such a
 * call (maybe guarded by the resource itself: `if (r) r.close()`, `r && r.close()`), whether two
 * cleanups are the same one (their signature), and the text the `finally` gets.
 *
 * A cleanup is recognised by the name it is called on, resolved to a binding: an inner declaration
 * of the same name is another value. A statement that is only a cleanup can move into a finally
 * whole; one under a condition about something else, or inside a larger expression, cannot.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import type { RuleContext } from '../rule';
import { memberPath, unwrapExpression, type Node } from './ast';
import { TIMER_CLEARS } from './resources';
import type { Binding } from './scope';

/** What the cleanup analyses read from a rule's context: the tree, its scopes and the text it was parsed from. */
export type AnalysisContext = Pick<RuleContext, 'index' | 'scope' | 'source' | 'isGlobal'>;

/** The cleanups a rule recognises (its options). */
export interface CleanupConfig {
  /** `r.<method>()` releases `r`. */
  methods: readonly string[];
  /** `<function>(r)` releases `r` (global functions only). */
  functions: readonly string[];
  /** Methods analysed like cleanups but never moved (`r.end()`). */
  reportOnly: readonly string[];
}

export type AnyCall = t.CallExpression | t.OptionalCallExpression;

/** A cleanup call on a resource: `clearTimeout(t)`, `client.release()`, `r?.close()`. */
export interface CleanupCall {
  call: AnyCall;
  /** `release`, `clearTimeout`, ... */
  kind: string;
  /** The identifier naming the resource inside the call. */
  target: t.Identifier;
}

/** A statement that is nothing but a cleanup, possibly guarded: it moves into the finally whole. */
export interface CleanupStatement extends CleanupCall {
  statement: t.Statement;
  /** The call's text with `?.` as `.` and no whitespace: equal signatures are the same cleanup. */
  signature: string;
  /** The guard's text (`t`, `client != null`), for `if (g) C` and `g && C`. */
  guard?: string;
  guardForm?: 'if' | 'and';
  awaited: boolean;
}

/** Clears are idempotent: clearing a timer twice on a throw path is not a use after cleanup. */
export const IDEMPOTENT_CLEANUPS: ReadonlySet<string> = new Set(Object.values(TIMER_CLEARS));

/** The node's text. In fix mode `ctx.source` is the normalised text recast parsed, so offsets match. */
export function textOf(ctx: Pick<AnalysisContext, 'source'>, node: Node): string {
  return ctx.source.slice(node.start ?? 0, node.end ?? 0);
}

/** The resource named by a cleanup call, when `call` is one. */
export function cleanupTarget(ctx: AnalysisContext, call: AnyCall, config: CleanupConfig): CleanupCall | undefined {
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier' && config.functions.includes(callee.name)) {
    const [arg] = call.arguments;
    const target = arg ? unwrapExpression(arg) : undefined;
    if (target?.type === 'Identifier' && ctx.isGlobal(callee.name, callee)) return { call, kind: callee.name, target };
    return undefined;
  }
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier') {
    const object = unwrapExpression(callee.object);
    const method = callee.property.name;
    if (object.type === 'Identifier' && (config.methods.includes(method) || config.reportOnly.includes(method))) return { call, kind: method, target: object };
  }
  return undefined;
}

/** The member path a cleanup releases when it is a property (`clearTimeout(this.timer)`, `this.conn.close()`). */
export function propertyCleanupPath(ctx: AnalysisContext, call: AnyCall, config: CleanupConfig): string | undefined {
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier' && config.functions.includes(callee.name) && ctx.isGlobal(callee.name, callee)) {
    const [arg] = call.arguments;
    const target = arg ? unwrapExpression(arg) : undefined;
    return target && target.type !== 'Identifier' ? memberPath(target) : undefined;
  }
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier') {
    const object = unwrapExpression(callee.object);
    const method = callee.property.name;
    if (object.type !== 'Identifier' && (config.methods.includes(method) || config.reportOnly.includes(method))) return memberPath(object);
  }
  return undefined;
}

/** The global clear functions of `config` (`clearTimeout(t)`): they cannot throw, and running one twice is harmless. */
export function idempotentClearCall(ctx: AnalysisContext, config: CleanupConfig): (call: AnyCall) => boolean {
  return (call) => {
    const callee = unwrapExpression(call.callee);
    return callee.type === 'Identifier' && config.functions.includes(callee.name) && IDEMPOTENT_CLEANUPS.has(callee.name) && ctx.isGlobal(callee.name, callee);
  };
}

/** Whether an identifier names the resource: by binding, so an inner declaration of the same name is another value. */
export type RefersTo = (id: t.Identifier) => boolean;

export function refersTo(ctx: AnalysisContext, target: t.Identifier | Binding): RefersTo {
  const binding = 'references' in target ? target : ctx.scope.resolve(target);
  return (id) => id.name === target.name && ctx.scope.resolve(id) === binding;
}

/** `r`, `!!r`, `r != null`, `r !== undefined`, `typeof r !== 'undefined'`, and `&&` of those. */
export function isPresenceTest(test: Node, name: RefersTo): boolean {
  const n = unwrapExpression(test);
  const isName = (x: Node): boolean => {
    const u = unwrapExpression(x);
    return u.type === 'Identifier' && name(u);
  };
  const isNullish = (x: Node): boolean => {
    const u = unwrapExpression(x);
    return u.type === 'NullLiteral' || (u.type === 'Identifier' && u.name === 'undefined') || (u.type === 'UnaryExpression' && u.operator === 'void');
  };
  if (isName(n)) return true;
  if (n.type === 'UnaryExpression' && n.operator === '!' && unwrapExpression(n.argument).type === 'UnaryExpression') {
    const inner = unwrapExpression(n.argument) as t.UnaryExpression;
    return inner.operator === '!' && isName(inner.argument);
  }
  if (n.type === 'BinaryExpression' && (n.operator === '!=' || n.operator === '!==')) {
    const { left, right } = n;
    if ((isName(left) && isNullish(right)) || (isNullish(left) && isName(right))) return true;
    const typeofName = (x: Node): boolean => {
      const u = unwrapExpression(x);
      return u.type === 'UnaryExpression' && u.operator === 'typeof' && isName(u.argument);
    };
    const undefinedText = (x: Node): boolean => {
      const u = unwrapExpression(x);
      return u.type === 'StringLiteral' && u.value === 'undefined';
    };
    return (typeofName(left) && undefinedText(right)) || (undefinedText(left) && typeofName(right));
  }
  if (n.type === 'LogicalExpression' && n.operator === '&&') return isPresenceTest(n.left, name) && isPresenceTest(n.right, name);
  return false;
}

export type StatementShape =
  | { kind: 'statement'; cleanup: CleanupStatement }
  | { kind: 'foreign-guard'; statement: t.Statement }
  | { kind: 'not-a-statement' };

/** Where a cleanup call sits: alone in a statement (maybe guarded), under a foreign guard, or inside an expression. */
export function statementShape(ctx: AnalysisContext, cleanup: CleanupCall): StatementShape {
  const { index } = ctx;
  let node: Node = cleanup.call;
  let parent = index.parent(node);
  while (parent && (parent.type === 'ParenthesizedExpression' || parent.type.startsWith('TS'))) {
    node = parent;
    parent = index.parent(node);
  }
  let awaited = false;
  if (parent?.type === 'AwaitExpression') {
    awaited = true;
    node = parent;
    parent = index.parent(node);
  }
  const signature = `${awaited ? 'await ' : ''}${textOf(ctx, cleanup.call).replace(/\s+/g, '').replace(/\?\./g, '.')}`;
  const base = { ...cleanup, signature, awaited };
  let guard: Node | undefined;
  let guardForm: 'if' | 'and' | undefined;
  if (parent?.type === 'LogicalExpression' && parent.operator === '&&' && parent.right === node) {
    guard = parent.left;
    guardForm = 'and';
    node = parent;
    parent = index.parent(node);
  }
  if (parent?.type !== 'ExpressionStatement') return { kind: 'not-a-statement' };
  let statement: t.Statement = parent;
  if (!guard) {
    let holder = index.link(statement);
    let inner: t.Statement = statement;
    if (holder?.parent.type === 'BlockStatement' && holder.parent.body.length === 1) {
      inner = holder.parent;
      holder = index.link(inner);
    }
    if (holder?.parent.type === 'IfStatement' && holder.key === 'consequent' && !holder.parent.alternate) {
      guard = holder.parent.test;
      guardForm = 'if';
      statement = holder.parent;
    }
  }
  if (guard && !isPresenceTest(guard, refersTo(ctx, cleanup.target))) return { kind: 'foreign-guard', statement };
  if (!index.link(statement)?.inList) return { kind: 'not-a-statement' };
  return { kind: 'statement', cleanup: { ...base, statement, guard: guard ? textOf(ctx, guard) : undefined, guardForm } };
}

/** `c?.()`, `r?.close()`, `if (r) r.close()`, `r && r.close()`: a cleanup that skips an absent handle. */
export function isGuardedCleanup(cleanup: CleanupStatement): boolean {
  return cleanup.guardForm !== undefined || isOptionalCall(cleanup.call);
}

/** `r?.close()` or `c?.()`. */
function isOptionalCall(call: AnyCall): boolean {
  return call.type === 'OptionalCallExpression' || call.callee.type === 'OptionalMemberExpression';
}

/**
 * The text the finally gets: the most guarded form among the cleanups (a guard about `r` is
 * harmless everywhere). `guardName` adds `if (name)` to an unguarded call, for a handle that some
 * exit leaves absent.
 */
export function finallyText(ctx: AnalysisContext, cleanups: readonly CleanupStatement[], guardName?: string): string {
  const pick = cleanups.find((c) => c.guardForm === 'if') ?? cleanups.find((c) => c.guardForm === 'and') ?? cleanups.find((c) => isOptionalCall(c.call)) ?? cleanups[0];
  const call = `${pick.awaited ? 'await ' : ''}${textOf(ctx, pick.call)}`;
  const semi = cleanups.some((c) => endsWithSemicolon(ctx, c.call)) ? ';' : '';
  if (pick.guardForm === 'if') return `if (${pick.guard}) ${call}${semi}`;
  if (pick.guardForm === 'and') return `${pick.guard} && ${call}${semi}`;
  if (guardName !== undefined && !isOptionalCall(pick.call)) return `if (${guardName}) ${call}${semi}`;
  return `${call}${semi}`;
}

/** Whether the statement holding `call` ends with `;`: the finally follows the file's semicolon style. */
function endsWithSemicolon(ctx: AnalysisContext, call: Node): boolean {
  const statement = ctx.index.closest(call, (n): n is t.ExpressionStatement => n.type === 'ExpressionStatement');
  return statement ? textOf(ctx, statement).trimEnd().endsWith(';') : true;
}

/** A comment that talks about the cleanup (names the resource or the call): it goes with the cleanup into the finally. */
export function isAboutCleanup(cleanup: CleanupStatement): (comment: t.Comment) => boolean {
  const words = [cleanup.target.name, cleanup.kind].map((w) => w.toLowerCase());
  return (comment) => words.some((w) => comment.value.toLowerCase().includes(w));
}
