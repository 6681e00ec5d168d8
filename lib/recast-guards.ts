/**
 * Two corrections to recast's idea of where a statement starts, for statements that do not start
 * their line. Applied to recast's AST right after it parses, before any rule looks at it; Babel's
 * offsets (`start`, `end`), which detection and fingerprints read, are left alone: only recast's
 * `loc` changes.
 *
 * The `;` guard. A file written without semicolons starts a statement that begins with `(` or `[`
 * with a `;` (`;(function () { ... })()`, `;[a, b].forEach(...)`), or the line would continue the
 * statement above. The parser gives that `;` to the statement above, so a fix that moved one of
 * the two away from the other left a lone `;` line behind, or took the guard off the statement it
 * protects. Here the guard belongs to the statement it guards, and moves (or goes) with it.
 *
 * The indentation. Recast re-indents a node's later lines relative to `loc.indent`, which it sets
 * only for nodes that start their line; a statement that starts after other text (a guard, or
 * `a(); b(() => { ... })`) inherits an outer node's, often the enclosing function's. Moved into a
 * new block (a `try`), such a statement's body landed that many columns deeper than one level.
 * Here it, and the nodes inside it that do not start a line, get the indent of the line it starts on.
 */
import type * as t from '@babel/types';
import { walk, type Node } from './analysis/ast';

interface Position {
  line: number;
  column: number;
  token?: number;
}

interface Token {
  value?: unknown;
  loc: { start: Position; end: Position };
}

interface RecastLines {
  isPrecededOnlyByWhitespace(pos: Position): boolean;
  getIndentAt(line: number): number;
}

/** Recast's additions to a node's location. Positions may be shared between nodes: replace, never mutate. */
interface RecastLoc {
  start: Position;
  end: Position;
  indent?: number;
  lines?: RecastLines;
  tokens?: Token[];
}

function recastLoc(node: Node): RecastLoc | undefined {
  const loc = node.loc as unknown as RecastLoc | null | undefined;
  return loc?.lines ? loc : undefined;
}

/** The statement lists of a node: where a statement can follow another on the same line. */
function statementLists(node: Node): t.Statement[][] {
  switch (node.type) {
    case 'Program':
    case 'BlockStatement':
    case 'StaticBlock':
      return [node.body];
    case 'SwitchCase':
      return [node.consequent];
    default:
      return [];
  }
}

/** Applies both corrections to every statement of `file` (a recast AST) that does not start its line. */
export function correctStatementStarts(file: t.File): void {
  walk(file, (node) => {
    for (const list of statementLists(node)) {
      for (let i = 0; i < list.length; i++) {
        const statement = list[i];
        const loc = recastLoc(statement);
        if (!loc || loc.lines!.isPrecededOnlyByWhitespace(loc.start)) continue;
        const guard = i > 0 ? guardOf(loc) : undefined;
        if (guard && list[i - 1].type === 'EmptyStatement') {
          if (takeEmptyGuard(node, list, i - 1, guard, loc)) i--;
        } else if (guard) {
          takeGuard(list[i - 1], guard, loc);
        }
        indentFromOwnLine(statement, loc.lines!.getIndentAt(loc.start.line));
      }
    }
  });
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.column === b.column;
}

interface Guard {
  token: Token;
  /** Its index in `loc.tokens`. */
  at: number;
}

/** The `;` right before the statement at `loc`, on its line, when that `;` starts the line: a guard. */
function guardOf(loc: RecastLoc): Guard | undefined {
  const tokens = loc.tokens;
  const at = (loc.start.token ?? 0) - 1;
  if (!tokens || at < 1) return undefined;
  const token = tokens[at];
  if (token?.value !== ';' || token.loc.start.line !== loc.start.line || !loc.lines!.isPrecededOnlyByWhitespace(token.loc.start)) return undefined;
  return { token, at };
}

/** `statement` (whose location is `loc`) starts at its guard from now on. */
function startAtGuard(guard: Guard, loc: RecastLoc): void {
  loc.start = { line: guard.token.loc.start.line, column: guard.token.loc.start.column, token: guard.at };
}

/**
 * The guard ends `previous` (`foo()\n;(bar)()`): it becomes the first token of the statement it
 * guards, and `previous` (with its nodes that end there) ends at the token before it.
 */
function takeGuard(previous: t.Statement, guard: Guard, loc: RecastLoc): void {
  const previousLoc = recastLoc(previous);
  if (!previousLoc || !samePosition(previousLoc.end, guard.token.loc.end)) return;
  const before = loc.tokens![guard.at - 1];
  const end = { line: before.loc.end.line, column: before.loc.end.column, token: guard.at };
  walk(previous, (n) => {
    const nodeLoc = recastLoc(n);
    if (!nodeLoc || !samePosition(nodeLoc.end, guard.token.loc.end)) return false;
    nodeLoc.end = { ...end };
    return undefined;
  });
  startAtGuard(guard, loc);
}

/**
 * The guard is a statement of its own (`while (x) { ... }\n;(bar)()`, `case 'end':\n;(bar)()`): an
 * empty statement, which recast drops when it prints the list anew. It leaves the list (in recast's
 * copy and in the original it compares with, so nothing counts as changed) and becomes the first
 * token of the statement it guards. False when it cannot (a comment is attached to it).
 */
function takeEmptyGuard(owner: Node, list: t.Statement[], at: number, guard: Guard, loc: RecastLoc): boolean {
  const empty = list[at];
  const emptyLoc = recastLoc(empty);
  if (!emptyLoc || !samePosition(emptyLoc.start, guard.token.loc.start) || (empty as { comments?: unknown[] }).comments?.length) return false;
  const original = (owner as { original?: Node }).original;
  const originalList = original ? statementLists(original)[0] : undefined;
  const originalAt = originalList?.indexOf((empty as { original?: t.Statement }).original ?? empty) ?? -1;
  if (!originalList || originalAt < 0) return false;
  originalList.splice(originalAt, 1);
  list.splice(at, 1);
  startAtGuard(guard, loc);
  return true;
}

/** `statement`'s indent is its line's, and so is that of the nodes inside it that do not start a line of their own. */
function indentFromOwnLine(statement: t.Statement, indent: number): void {
  walk(statement, (n) => {
    const loc = recastLoc(n);
    if (!loc) return undefined;
    // A node that starts its line already has its own indent, and its children inherit it.
    if (n !== statement && loc.lines!.isPrecededOnlyByWhitespace(loc.start)) return false;
    loc.indent = indent;
    return undefined;
  });
}
