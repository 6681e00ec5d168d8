/**
 * In-place edits of the recast AST, located through the parent links of an AstIndex.
 * Fixes compute every edit from the analysed tree first and apply them after, so links stay valid
 * for the nodes they name; new nodes are never looked up again. A fix that runs after other fixes
 * of the same file have moved its nodes finds them with `currentPlace` instead.
 */
import type * as t from '@babel/types';
import { walk, type AstIndex, type Node } from './ast';

function container(index: AstIndex, node: Node): { list: Node[]; at: number } | { parent: Record<string, unknown>; key: string } {
  const link = index.link(node);
  if (!link) throw new Error(`cannot edit a node with no parent: ${node.type}`);
  const holder = (link.parent as unknown as Record<string, unknown>)[link.key];
  if (link.inList) {
    const list = holder as Node[];
    const at = list.indexOf(node);
    if (at < 0) throw new Error(`node ${node.type} is no longer in its parent`);
    return { list, at };
  }
  return { parent: link.parent as unknown as Record<string, unknown>, key: link.key };
}

/** A comment as recast attaches it to a node: leading or trailing. */
export type RecastComment = t.Comment & { leading?: boolean; trailing?: boolean };
/** A node with recast's `comments`. */
export type WithComments = { comments?: RecastComment[] | null };

/**
 * Puts `replacement` where `node` is (a single slot or one element of a list). Comments attached
 * to `node` move along: leading ones to the first replacement, trailing ones to the last, so
 * `// why this timer exists` survives a rewrite of the statement under it.
 */
export function replaceNode(index: AstIndex, node: Node, ...replacement: Node[]): void {
  const comments = (node as unknown as WithComments).comments;
  if (comments?.length && replacement.length > 0) {
    const first = replacement[0] as unknown as WithComments;
    const last = replacement[replacement.length - 1] as unknown as WithComments;
    const leading = comments.filter((c) => !c.trailing);
    const trailing = comments.filter((c) => c.trailing);
    if (leading.length) first.comments = [...leading, ...(first.comments ?? [])];
    if (trailing.length) last.comments = [...(last.comments ?? []), ...trailing];
    (node as unknown as WithComments).comments = null;
  }
  const where = container(index, node);
  if ('list' in where) {
    where.list.splice(where.at, 1, ...replacement);
    return;
  }
  if (replacement.length !== 1) throw new Error('a single slot takes exactly one node');
  where.parent[where.key] = replacement[0];
}

export function insertBefore(index: AstIndex, node: Node, ...nodes: Node[]): void {
  const where = container(index, node);
  if (!('list' in where)) throw new Error('insertBefore needs a node in a list');
  where.list.splice(where.at, 0, ...nodes);
}

export function insertAfter(index: AstIndex, node: Node, ...nodes: Node[]): void {
  const where = container(index, node);
  if (!('list' in where)) throw new Error('insertAfter needs a node in a list');
  where.list.splice(where.at + 1, 0, ...nodes);
}

export function removeNode(index: AstIndex, node: Node): void {
  const where = container(index, node);
  if (!('list' in where)) throw new Error('removeNode needs a node in a list');
  where.list.splice(where.at, 1);
}

/** Where a node is now: its parent, the key holding it, and the list when that key holds one. */
export interface Place {
  parent: Node;
  key: string;
  list?: Node[];
}

/**
 * Where `target` sits in `root` now, found by walking the tree: for fixes that run after earlier
 * fixes of the same file have moved nodes around, when an AstIndex's parent links are stale.
 */
export function currentPlace(root: Node, target: Node): Place | undefined {
  let place: Place | undefined;
  walk(root, (node, link) => {
    if (place) return false;
    if (node === target && link) {
      const holder = (link.parent as unknown as Record<string, unknown>)[link.key];
      place = { parent: link.parent, key: link.key, list: link.inList ? (holder as Node[]) : undefined };
      return false;
    }
    return undefined;
  });
  return place;
}
