/**
 * Recast decides where parentheses go with `FastPath#needsParens`, and it also uses that answer
 * to decide whether an *untouched* node can keep its original text: when it says "needs parens"
 * and the original has none, the node is reprinted with them, anywhere in a file that changed.
 * For `await`, its answer is wrong in one common case: an `await` operand of a unary, binary or
 * logical operator or a spread (`!await x`, `a || await b`, `await a + b`, `...await x`) needs no
 * parentheses (`await` binds like a unary operator), so recast turned `!await ok()` far from any
 * fix into `!(await ok())`. This corrects that one answer, by precedence, so it holds for moved and
 * new nodes too; the only such position that does need them, the left operand of `**`, keeps them.
 * Importing this module installs the correction once (recast's printer is shared by the process).
 */
import FastPath from 'recast/lib/fast-path';

interface PathLike {
  getNode(): { type: string; extra?: { parenthesized?: boolean } };
  getParentNode(): { type: string; operator?: string; left?: unknown } | null;
  getValue(): unknown;
}

const AWAIT_OPERAND_PARENTS = new Set(['UnaryExpression', 'SpreadElement', 'SpreadProperty', 'BinaryExpression', 'LogicalExpression']);

/** True when the path is an `await` that recast would wrap but that parses the same without parentheses. */
export function awaitNeedsNoParens(path: PathLike): boolean {
  const node = path.getNode();
  if (node.type !== 'AwaitExpression' || path.getValue() !== node || node.extra?.parenthesized) return false;
  const parent = path.getParentNode();
  if (!parent || !AWAIT_OPERAND_PARENTS.has(parent.type)) return false;
  return !(parent.type === 'BinaryExpression' && parent.operator === '**' && parent.left === node);
}

const INSTALLED = Symbol.for('leakfix.recastAwaitParens');

type NeedsParens = (this: PathLike, assumeExpressionContext?: boolean) => boolean;

const prototype = (FastPath as unknown as { prototype: { needsParens: NeedsParens } & { [INSTALLED]?: true } }).prototype;
if (!prototype[INSTALLED]) {
  const needsParens = prototype.needsParens;
  prototype.needsParens = function (this: PathLike, assumeExpressionContext?: boolean): boolean {
    if (awaitNeedsNoParens(this)) return false;
    return needsParens.call(this, assumeExpressionContext);
  };
  prototype[INSTALLED] = true;
}
