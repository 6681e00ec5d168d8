/**
 * The promise-chain form of cleanup-to-finally: `X.then(a).catch(b)` whose two handlers both start
 * with the same cleanup becomes `X.then(a').catch(b').finally(() => { cleanup })`, one release for
 * every outcome. This module finds the two handlers and rebuilds the chain's statement as text.
 *
 * Why text: recast loses the indentation of functions it reprints inside a multi-line member
 * chain, so the statement is rebuilt from its own text (cleanup lines cut out, `.finally(...)`
 * added, a `.catch` that only rethrows replaced), re-expressed in 2-space steps that the template
 * restyles to the file's indentation. Text with multi-line template literals, whose lines must not
 * be re-indented, is not rebuilt (undefined): the fix then edits the tree.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { isFunction, type Node } from './ast';
import { statementShape, type AnalysisContext, type CleanupCall, type CleanupStatement } from './cleanup-calls';
import { isPlainRethrow } from './cleanup-edits';
import { hasMultilineLiteral } from './finally-plan';
import type { Layout } from '../layout';

/** A `.then(...).catch(...)` chain whose handlers both start with a cleanup. */
export interface CleanupChain {
  thenCall: t.CallExpression;
  catchCall: t.CallExpression;
  /** The `.then` handler's cleanup, then the `.catch` handler's. */
  handlers: Array<{ fn: t.Function; cleanup: CleanupStatement }>;
}

/**
 * The chain `nested` (the resource's cleanups inside callbacks) releases in: exactly two, each
 * the first statement of a block-bodied handler, the first the only argument of `.then(...)` and
 * the second of a `.catch(...)` called on that `.then` call. Else undefined.
 */
export function cleanupChain(ctx: AnalysisContext, nested: readonly CleanupCall[]): CleanupChain | undefined {
  if (nested.length !== 2) return undefined;
  const handlers: CleanupChain['handlers'] = [];
  for (const cleanup of nested) {
    const shape = statementShape(ctx, cleanup);
    if (shape.kind !== 'statement') return undefined;
    const body = ctx.index.parent(shape.cleanup.statement);
    const fn = body ? ctx.index.parent(body) : undefined;
    if (!body || body.type !== 'BlockStatement' || body.body[0] !== shape.cleanup.statement || !fn || !isFunction(fn) || fn.body !== body) return undefined;
    handlers.push({ fn, cleanup: shape.cleanup });
  }
  handlers.sort((a, b) => (a.fn.start ?? 0) - (b.fn.start ?? 0));
  const thenCall = handlerCall(ctx, handlers[0].fn, 'then');
  const catchCall = handlerCall(ctx, handlers[1].fn, 'catch');
  if (!thenCall || !catchCall || (catchCall.callee as t.MemberExpression).object !== thenCall) return undefined;
  return { thenCall, catchCall, handlers };
}

/** The `.then(fn)` or `.catch(fn)` call a handler function is the only argument of. */
function handlerCall(ctx: AnalysisContext, fn: Node, method: 'then' | 'catch'): t.CallExpression | undefined {
  const call = ctx.index.parent(fn);
  if (call?.type !== 'CallExpression' || call.arguments.length !== 1 || call.arguments[0] !== fn) return undefined;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== method) return undefined;
  return call;
}

/** `p.finally(() => C(r))` or `p.finally(() => { C(r); })`: the cleanup is the callback's only work. */
export function inPromiseFinally(ctx: AnalysisContext, cleanup: CleanupCall): boolean {
  let node: Node = cleanup.call;
  let parent = ctx.index.parent(node);
  if (parent?.type === 'ExpressionStatement') {
    const block = ctx.index.parent(parent);
    if (block?.type !== 'BlockStatement' || block.body.length !== 1) return false;
    node = block;
    parent = ctx.index.parent(block);
  }
  if (!parent || !isFunction(parent) || parent.body !== node) return false;
  const call = ctx.index.parent(parent);
  if (call?.type !== 'CallExpression' || call.arguments.length !== 1 || call.arguments[0] !== parent) return false;
  const callee = call.callee;
  return callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'finally';
}

/** The statement (in a statement list) that holds the chain's `.catch(...)` call. */
export function chainStatementOf(ctx: AnalysisContext, catchCall: t.CallExpression): t.Statement | undefined {
  return ctx.index.closest(catchCall, (n): n is t.Statement => ctx.index.link(n)?.inList === true && isStatementNode(n));
}

function isStatementNode(node: Node): node is t.Statement {
  return /Statement$|Declaration$/.test(node.type);
}

/** What the rebuilt chain needs: its `.catch` call, the two cleanup statements (`.then`'s first) and the finally's text. */
export interface ChainRewrite {
  catchCall: t.CallExpression;
  cleanups: readonly CleanupStatement[];
  text: string;
}

/**
 * The chain's statement rewritten as text, indented in 2-space steps relative to the statement
 * (the template restyles it); `layout` is the file's. Undefined when the text has multi-line
 * template literals, or the statement does not start its line.
 */
export function chainStatementText(ctx: AnalysisContext, plan: ChainRewrite, statement: t.Statement, layout: Layout): string | undefined {
  const source = ctx.source;
  if (hasMultilineLiteral(statement) || !startsLine(source, statement.start ?? 0)) return undefined;
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const cleanup of plan.cleanups) {
    const from = cleanup.statement.start ?? 0;
    const to = cleanup.statement.end ?? 0;
    const eol = source.indexOf('\n', to);
    const restOfLine = source.slice(to, eol < 0 ? source.length : eol);
    if (startsLine(source, from) && restOfLine.trim() === '') edits.push({ start: lineStart(source, from), end: eol < 0 ? source.length : eol + 1, text: '' });
    else edits.push({ start: from, end: to + (/^ */.exec(restOfLine)?.[0].length ?? 0), text: '' });
  }
  const catchHandler = plan.catchCall.arguments[0] as t.Function;
  const body = catchHandler.body;
  const multiline = source.slice(body.start ?? 0, body.end ?? 0).includes('\n');
  const cleanupStart = plan.cleanups[1].statement.start ?? 0;
  const arrow = multiline ? `() => {\n${indentAt(source, cleanupStart)}${plan.text}\n${indentAt(source, (body.end ?? 1) - 1)}}` : `() => { ${plan.text} }`;
  const catchCallee = plan.catchCall.callee as t.MemberExpression;
  const rest = body.type === 'BlockStatement' ? { ...body, body: body.body.filter((s) => s !== plan.cleanups[1].statement) } : undefined;
  const rethrowOnly = rest !== undefined && isPlainRethrow({ type: 'CatchClause', param: catchHandler.params[0] as t.Identifier, body: rest } as t.CatchClause);
  if (rethrowOnly) {
    edits.length = 0; // the whole `.catch(...)` goes, the catch's cleanup with it
    const thenCleanup = plan.cleanups[0].statement;
    const from = thenCleanup.start ?? 0;
    const to = thenCleanup.end ?? 0;
    const eol = source.indexOf('\n', to);
    if (startsLine(source, from) && source.slice(to, eol).trim() === '') edits.push({ start: lineStart(source, from), end: eol + 1, text: '' });
    else edits.push({ start: from, end: to, text: '' });
    edits.push({ start: catchCallee.property.start ?? 0, end: plan.catchCall.end ?? 0, text: `finally(${arrow})` });
  } else {
    const dot = source.lastIndexOf('.', catchCallee.property.start ?? 0);
    const separator = startsLine(source, dot) ? `\n${indentAt(source, dot)}` : '';
    edits.push({ start: plan.catchCall.end ?? 0, end: plan.catchCall.end ?? 0, text: `${separator}.finally(${arrow})` });
  }
  const base = statement.start ?? 0;
  let text = source.slice(base, statement.end ?? 0);
  for (const edit of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start - base) + edit.text + text.slice(edit.end - base);
  return reindentRelative(text, indentAt(source, base), layout);
}

function lineStart(source: string, at: number): number {
  return source.lastIndexOf('\n', at - 1) + 1;
}

function indentAt(source: string, at: number): string {
  const start = lineStart(source, at);
  return /^[ \t]*/.exec(source.slice(start))![0];
}

/** True when only whitespace precedes `at` on its line. */
function startsLine(source: string, at: number): boolean {
  return source.slice(lineStart(source, at), at).trim() === '';
}

/** Lines after the first, re-expressed in 2-space steps relative to `baseIndent`. */
function reindentRelative(text: string, baseIndent: string, layout: Layout): string {
  const unit = layout.useTabs ? 1 : layout.tabWidth;
  const width = (indent: string): number => [...indent].reduce((w, ch) => w + (ch === '\t' ? unit : 1), 0);
  const base = width(baseIndent);
  return text
    .split(/\r?\n/)
    .map((line, i) => {
      if (i === 0 || line.trim() === '') return line.trimEnd();
      const indent = /^[ \t]*/.exec(line)![0];
      const steps = Math.max(0, Math.round((width(indent) - base) / unit));
      return '  '.repeat(steps) + line.slice(indent.length);
    })
    .join('\n');
}
