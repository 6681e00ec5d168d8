/**
 * Tree edits that move cleanup statements into a finally, for cleanup-to-finally's fixes: take a
 * cleanup statement out of its list (its comments decide where they go), attach comments to the
 * statement that replaces it, and recognise a `catch` that only rethrows (it adds nothing once a
 * finally exists, so the fix drops it).
 *
 * Comments follow what they talk about: a comment naming the resource or the cleanup goes with
 * the cleanup into the finally; other leading comments stay where they were, on the next statement.
 * Earlier fixes of the same file may have moved statements, so places are found by walking
 * (`currentPlace`), not through the analysed tree's parent links.
 */
import type * as t from '@babel/types';
import type { Node } from './ast';
import { currentPlace, type RecastComment, type WithComments } from './edit';

/**
 * Removes a cleanup statement. Comments about the cleanup (and trailing ones) are returned to
 * follow it into the finally; other leading comments stay in place, on the next statement.
 */
export function removeStatement(root: Node, statement: t.Statement, followsCleanup: (comment: t.Comment) => boolean = () => true): t.Comment[] {
  const place = currentPlace(root, statement);
  if (!place?.list) throw new Error('cleanup statement is not in a list');
  const at = place.list.indexOf(statement);
  place.list.splice(at, 1);
  const all = ((statement as WithComments).comments ?? []) as RecastComment[];
  const next = place.list[at] as WithComments | undefined;
  const stay = next ? all.filter((c) => !c.trailing && !followsCleanup(c)) : [];
  if (next && stay.length > 0) next.comments = [...stay, ...(next.comments ?? [])];
  const comments = all.filter((c) => !stay.includes(c));
  // An `else {}` left empty by the removal goes away with it.
  if (place.list.length === 0 && place.parent.type === 'BlockStatement') {
    const blockPlace = currentPlace(root, place.parent);
    const holder = blockPlace?.parent;
    if (holder?.type === 'IfStatement' && blockPlace?.key === 'alternate' && !(place.parent as WithComments).comments?.length) holder.alternate = null;
  }
  return [...comments];
}

/** Attaches `comments` (once each, by text) as leading comments of `target`, after the ones it has. */
export function attachComments(target: Node, comments: readonly t.Comment[]): void {
  if (comments.length === 0) return;
  const seen = new Set<string>();
  const unique = comments.filter((c) => {
    if (seen.has(c.value)) return false;
    seen.add(c.value);
    return true;
  }) as RecastComment[];
  for (const comment of unique) comment.leading = true;
  for (const comment of unique) comment.trailing = false;
  const holder = target as WithComments;
  holder.comments = [...(holder.comments ?? []), ...unique];
}

/** `catch (e) { throw e; }` adds nothing once a finally exists. */
export function isPlainRethrow(handler: t.CatchClause | null | undefined): boolean {
  if (!handler || handler.param?.type !== 'Identifier' || handler.body.body.length !== 1) return false;
  const [only] = handler.body.body;
  if ((handler.body as WithComments).comments?.length || (only as WithComments).comments?.length) return false;
  return only.type === 'ThrowStatement' && only.argument.type === 'Identifier' && only.argument.name === handler.param.name;
}
