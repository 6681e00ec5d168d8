/**
 * Comments as data: suppression (`// leakfix-ignore`, `// leakfix-ignore-file`) and lint opt-outs
 * (`// eslint-disable-next-line @typescript-eslint/no-floating-promises`).
 *
 * Comments are collected from the nodes they are attached to, which both the plain Babel AST and
 * the recast AST provide, so suppression behaves the same in detection and in rewriting.
 */
import type * as t from '@babel/types';
import type { Node } from './ast';

export interface CommentInfo {
  text: string;
  startLine: number;
  endLine: number;
  start: number;
}

type Commented = {
  leadingComments?: t.Comment[] | null;
  trailingComments?: t.Comment[] | null;
  innerComments?: t.Comment[] | null;
  comments?: t.Comment[] | null;
};

export class CommentIndex {
  readonly comments: CommentInfo[];
  /** Lines whose sites are suppressed: the line after each `leakfix-ignore` comment, and its own line. */
  private readonly suppressedLines = new Set<number>();
  readonly ignoreFile: boolean;

  constructor(file: t.File, nodes: readonly Node[]) {
    const seen = new Map<string, CommentInfo>();
    const add = (comment: t.Comment): void => {
      if (!comment.loc) return;
      const key = `${comment.loc.start.line}:${comment.loc.start.column}`;
      if (seen.has(key)) return;
      seen.set(key, {
        text: comment.value,
        startLine: comment.loc.start.line,
        endLine: comment.loc.end.line,
        start: comment.loc.start.line * 100000 + comment.loc.start.column,
      });
    };
    for (const comment of file.comments ?? []) add(comment);
    // Babel lists every comment on the File; recast moves them onto nodes, so only then look there.
    if (!Array.isArray(file.comments)) for (const node of nodes) {
      const c = node as unknown as Commented;
      for (const list of [c.leadingComments, c.trailingComments, c.innerComments, c.comments]) {
        if (list) for (const comment of list) add(comment);
      }
    }
    this.comments = [...seen.values()].sort((a, b) => a.start - b.start);
    let ignoreFile = false;
    for (const comment of this.comments) {
      const text = comment.text.trim();
      if (/^leakfix-ignore-file\b/.test(text)) ignoreFile = true;
      else if (/^leakfix-ignore\b/.test(text)) {
        this.suppressedLines.add(comment.endLine + 1);
        this.suppressedLines.add(comment.endLine);
      }
    }
    this.ignoreFile = ignoreFile;
  }

  /** True when a site starting on `line` is under a `// leakfix-ignore` comment. */
  isSuppressed(line: number): boolean {
    return this.suppressedLines.has(line);
  }

  /** Comments that end on `line` (same-line) or on the line before it. */
  near(line: number): CommentInfo[] {
    return this.comments.filter((c) => c.endLine === line || c.endLine === line - 1);
  }

  /**
   * True when the statement on `line` is excused by an `eslint-disable-next-line` on the line
   * before or an `eslint-disable-line` on the same line that names `rule` (or names no rule).
   */
  eslintDisabled(line: number, rule: string): boolean {
    return this.comments.some((c) => {
      const match = /^\s*eslint-disable-(next-line|line)\b(.*)$/s.exec(c.text);
      if (!match) return false;
      const applies = match[1] === 'next-line' ? c.endLine === line - 1 : c.startLine === line;
      if (!applies) return false;
      const rules = match[2].split('--')[0].trim();
      return rules === '' || rules.split(/[\s,]+/).some((r) => r === rule || r.endsWith(`/${rule}`));
    });
  }
}
