/**
 * Walking and indexing Babel ASTs. Works the same on a plain @babel/parser AST and on the
 * recast AST jscodeshift builds (recast keeps Babel's node types), so detectors run on either.
 */
import { VISITOR_KEYS } from '@babel/types';
import type * as t from '@babel/types';

export type Node = t.Node;

export interface ParentLink {
  parent: Node;
  /** Property of `parent` holding the node, e.g. `body`. */
  key: string;
  /** True when `parent[key]` is an array. */
  inList: boolean;
}

/** Visitor called before children; return `false` to skip the node's children. */
export type Enter = (node: Node, link: ParentLink | null) => boolean | void;

function childKeys(node: Node): readonly string[] {
  return VISITOR_KEYS[node.type] ?? [];
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Depth-first, source-order walk (iterative: real files nest deeper than the call stack likes). */
export function walk(root: Node, enter: Enter): void {
  const stack: Array<[Node, ParentLink | null]> = [[root, null]];
  while (stack.length > 0) {
    const [node, link] = stack.pop()!;
    if (enter(node, link) === false) continue;
    const keys = childKeys(node);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k];
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const child: unknown = value[i];
          if (isNode(child)) stack.push([child, { parent: node, key, inList: true }]);
        }
      } else if (isNode(value)) {
        stack.push([value, { parent: node, key, inList: false }]);
      }
    }
  }
}

/** Parent links for every node, built in one walk. */
export class AstIndex {
  private readonly parents = new Map<Node, Node>();
  /** Every node, in source order (pre-order). */
  readonly nodes: Node[] = [];

  // Built for every parsed file, so it only records parents: where a node sits in its parent
  // (`link`) is looked up on demand, by the few callers that edit.
  constructor(readonly root: Node) {
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      this.nodes.push(node);
      const keys = childKeys(node);
      for (let k = keys.length - 1; k >= 0; k--) {
        const value = (node as unknown as Record<string, unknown>)[keys[k]];
        if (Array.isArray(value)) {
          for (let i = value.length - 1; i >= 0; i--) {
            const child: unknown = value[i];
            if (isNode(child)) {
              this.parents.set(child, node);
              stack.push(child);
            }
          }
        } else if (isNode(value)) {
          this.parents.set(value, node);
          stack.push(value);
        }
      }
    }
  }

  private readonly links = new Map<Node, ParentLink>();

  link(node: Node): ParentLink | undefined {
    const known = this.links.get(node);
    if (known) return known;
    const parent = this.parents.get(node);
    if (!parent) return undefined;
    // Record every child of this parent at once: siblings are usually asked for next.
    for (const key of childKeys(parent)) {
      const value = (parent as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) this.links.set(child, { parent, key, inList: true });
      } else if (isNode(value)) {
        this.links.set(value, { parent, key, inList: false });
      }
    }
    return this.links.get(node);
  }

  parent(node: Node): Node | undefined {
    return this.parents.get(node);
  }

  /** Ancestors from the nearest outwards. */
  *ancestors(node: Node): Generator<Node> {
    let current = this.parents.get(node);
    while (current) {
      yield current;
      current = this.parents.get(current);
    }
  }

  /** The nearest ancestor matching `test`, not crossing a node where `stop` holds. */
  closest<T extends Node>(node: Node, test: (n: Node) => n is T, stop?: (n: Node) => boolean): T | undefined {
    for (const ancestor of this.ancestors(node)) {
      if (test(ancestor)) return ancestor;
      if (stop?.(ancestor)) return undefined;
    }
    return undefined;
  }

  /** The innermost function (or the Program) containing `node`. */
  enclosingFunction(node: Node): t.Function | t.Program | undefined {
    for (const ancestor of this.ancestors(node)) {
      if (isFunction(ancestor) || ancestor.type === 'Program') return ancestor;
    }
    return undefined;
  }

  private byType: Map<string, Node[]> | undefined;

  /** All nodes of one type, in source order (grouped once, on first use). */
  ofType<K extends Node['type']>(type: K): ReadonlyArray<Extract<Node, { type: K }>> {
    if (!this.byType) {
      this.byType = new Map();
      for (const node of this.nodes) {
        const list = this.byType.get(node.type);
        if (list) list.push(node);
        else this.byType.set(node.type, [node]);
      }
    }
    return (this.byType.get(type) ?? []) as Array<Extract<Node, { type: K }>>;
  }
}

export function isFunction(node: Node): node is t.Function {
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ObjectMethod':
    case 'ClassMethod':
    case 'ClassPrivateMethod':
      return true;
    default:
      return false;
  }
}

type ValueWrapper =
  | t.ParenthesizedExpression
  | t.TSAsExpression
  | t.TSSatisfiesExpression
  | t.TSNonNullExpression
  | t.TSTypeAssertion
  | t.TypeCastExpression;

/** Nodes that wrap a value without changing it: parentheses (recast), TS casts, `!`, Flow casts. */
export function isValueWrapper(node: Node): node is ValueWrapper {
  switch (node.type) {
    case 'ParenthesizedExpression':
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'TypeCastExpression':
      return true;
    default:
      return false;
  }
}

/** Strips value wrappers (see isValueWrapper). */
export function unwrapExpression(node: Node): Node {
  let current = node;
  while (isValueWrapper(current)) current = current.expression;
  return current;
}

/** `a.b.c` as a dotted string for identifier/`this` chains; undefined for anything computed. */
export function memberPath(node: Node): string | undefined {
  const n = unwrapExpression(node);
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && !n.computed) {
    const object = memberPath(n.object);
    const property = n.property.type === 'Identifier' ? n.property.name : n.property.type === 'PrivateName' ? `#${n.property.id.name}` : undefined;
    return object !== undefined && property !== undefined ? `${object}.${property}` : undefined;
  }
  if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && n.computed && n.property.type === 'StringLiteral') {
    const object = memberPath(n.object);
    return object !== undefined ? `${object}.${n.property.value}` : undefined;
  }
  return undefined;
}

/** The callee of a call as a dotted path (`setInterval`, `window.setInterval`, `client.release`). */
export function calleePath(node: Node): string | undefined {
  const n = unwrapExpression(node);
  if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return undefined;
  return memberPath(n.callee);
}

export function isCall(node: Node): node is t.CallExpression | t.OptionalCallExpression {
  return node.type === 'CallExpression' || node.type === 'OptionalCallExpression';
}

/** Property name of a method/property key, when it is static (`close`, `[Symbol.dispose]` → `Symbol.dispose`). */
export function staticKeyName(key: Node, computed: boolean): string | undefined {
  if (!computed) {
    if (key.type === 'Identifier') return key.name;
    if (key.type === 'StringLiteral') return key.value;
    if (key.type === 'PrivateName') return `#${key.id.name}`;
    return undefined;
  }
  if (key.type === 'StringLiteral') return key.value;
  return memberPath(key);
}

export interface Loc {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

/** 1-based line and column of a node; nodes created by a fix have no location. */
export function nodeLoc(node: Node): Loc | undefined {
  const loc = node.loc;
  if (!loc) return undefined;
  return {
    start: { line: loc.start.line, column: loc.start.column + 1 },
    end: { line: loc.end.line, column: loc.end.column + 1 },
  };
}
