/**
 * The one findings model shared by `transform`, `audit`, the reports and the jscodeshift adapter.
 *
 * A rule's detector returns Sites (which still hold AST nodes and fix closures); the engine turns
 * them into Findings (plain data, safe to send between worker threads and to serialise).
 */
import type { Node } from '@babel/types';

/** GREEN: managed on every path. YELLOW: partly managed. RED: not managed. */
export type Grade = 'green' | 'yellow' | 'red';

/**
 * - `fixable`: the transform can rewrite it (becomes `fixed` once a write/dry run applied it);
 * - `refused`: a leak-prone site the transform will not touch; `reason` says why;
 * - `ok`: already managed (GREEN), listed by audit only;
 * - `ignored`: suppressed by a `// leakfix-ignore` comment.
 */
export type FindingStatus = 'fixable' | 'fixed' | 'refused' | 'ok' | 'ignored';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

export interface Finding {
  transform: string;
  /** Pattern id, stable across releases, e.g. `dropped-interval`. */
  rule: string;
  grade: Grade;
  status: FindingStatus;
  /** Refusal reason code (kebab-case), present when status is `refused`. */
  reason?: string;
  message: string;
  start: Position;
  end: Position;
  /** A line-independent identity for baselines: transform, rule, enclosing scope and code shape. */
  fingerprint: string;
  /** On a `fixed` finding: its fix calls the runtime (`supervise`, `track`), so the file imports it. */
  usesRuntime?: true;
}

/** What a detector returns: a finding-to-be, still holding its AST node and its fix. */
export interface Site {
  rule: string;
  node: Node;
  grade: Grade;
  status: 'fixable' | 'refused' | 'ok';
  reason?: string;
  message: string;
  /** Present exactly when status is `fixable`; mutates the recast AST in place. */
  fix?: () => void;
}

export function fixable(rule: string, node: Node, grade: Grade, message: string, fix: () => void): Site {
  return { rule, node, grade, status: 'fixable', message, fix };
}

export function refused(rule: string, node: Node, grade: Grade, reason: string, message: string): Site {
  return { rule, node, grade, status: 'refused', reason, message };
}

export function managed(rule: string, node: Node, message: string): Site {
  return { rule, node, grade: 'green', status: 'ok', message };
}

export function formatPosition(p: Position): string {
  return `${p.line}:${p.column}`;
}
