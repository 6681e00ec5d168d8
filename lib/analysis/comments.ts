/**
 * Comments as data: suppression (`// leakfix-ignore`, `// leakfix-ignore-next-line`,
 * `// leakfix-ignore-file`) and lint opt-outs
 * (`// eslint-disable-next-line @typescript-eslint/no-floating-promises`).
 *
 * Suppression syntax: `leakfix-ignore[-next-line] [<transform>[, <transform>]] [-- reason]`.
 * `leakfix-ignore` covers its own line and the next one, `-next-line` only the next one. Names
 * scope it to those transforms; without names (or when the words are not all transform names and
 * there is no `--`) it covers every transform. `leakfix-ignore: reason` is a bare ignore.
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

/** One `leakfix-ignore` / `leakfix-ignore-next-line` comment. */
export interface IgnoreDirective {
  /** The comment's own line (its last line for block comments). */
  line: number;
  kind: 'ignore' | 'ignore-next-line';
  /** The transforms it is scoped to; undefined: every transform. */
  transforms?: string[];
  reason?: string;
  /** The comment text, trimmed, for reports. */
  text: string;
  /** Set once a site was suppressed by it. */
  used: boolean;
}

const TRANSFORM_LIST = /^[a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*$/;

/**
 * Parses the text after `leakfix-ignore` / `leakfix-ignore-next-line`. `known` are the transform
 * names words are checked against when there is no `--` separator.
 */
export function parseIgnoreScope(rest: string, known: readonly string[] | undefined): { transforms?: string[]; reason?: string } {
  const trimmed = rest.trim();
  if (trimmed === '' ) return {};
  if (trimmed.startsWith(':')) return { reason: trimmed.slice(1).trim() || undefined };
  const separator = trimmed.indexOf('--');
  const head = (separator >= 0 ? trimmed.slice(0, separator) : trimmed).trim();
  const reason = separator >= 0 ? trimmed.slice(separator + 2).trim() || undefined : undefined;
  if (head === '') return reason ? { reason } : {};
  if (!TRANSFORM_LIST.test(head)) return { reason: trimmed };
  const names = head.split(',').map((n) => n.trim());
  // Without `--`, free text that happens to look like names stays a reason unless they are known.
  if (separator < 0 && known && !names.every((n) => known.includes(n))) return { reason: trimmed };
  return reason ? { transforms: names, reason } : { transforms: names };
}

export class CommentIndex {
  readonly comments: CommentInfo[];
  /** Every `leakfix-ignore` and `leakfix-ignore-next-line` comment, in source order. */
  readonly ignores: IgnoreDirective[] = [];
  /** Line → the directives that cover a site starting on that line. */
  private readonly suppressedLines = new Map<number, IgnoreDirective[]>();
  readonly ignoreFile: boolean;

  /** `knownTransforms`: names a scoped ignore may list (see parseIgnoreScope). */
  constructor(file: t.File, nodes: readonly Node[], knownTransforms?: readonly string[]) {
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
      if (/^leakfix-ignore-file\b/.test(text)) {
        ignoreFile = true;
        continue;
      }
      const match = /^leakfix-ignore(-next-line)?(?![\w-])(.*)$/s.exec(text);
      if (!match) continue;
      const directive: IgnoreDirective = {
        line: comment.endLine,
        kind: match[1] ? 'ignore-next-line' : 'ignore',
        ...parseIgnoreScope(match[2], knownTransforms),
        text: text.replace(/\s+/g, ' '),
        used: false,
      };
      this.ignores.push(directive);
      const lines = directive.kind === 'ignore' ? [comment.endLine, comment.endLine + 1] : [comment.endLine + 1];
      for (const line of lines) {
        const list = this.suppressedLines.get(line) ?? [];
        list.push(directive);
        this.suppressedLines.set(line, list);
      }
    }
    this.ignoreFile = ignoreFile;
  }

  /**
   * True when a site of `transform` starting on `line` is under a leakfix-ignore comment that
   * covers that transform (any transform when `transform` is omitted). Marks the comment used.
   */
  isSuppressed(line: number, transform?: string): boolean {
    let suppressed = false;
    for (const directive of this.suppressedLines.get(line) ?? []) {
      if (transform !== undefined && directive.transforms && !directive.transforms.includes(transform)) continue;
      directive.used = true;
      suppressed = true;
    }
    return suppressed;
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
