/**
 * The file's own style, so code a fix adds looks like the code around it: quotes, line endings,
 * indentation. Recast copies untouched text verbatim; this only shapes the new lines.
 */
import type * as t from '@babel/types';
import { walk } from './analysis/ast';

export interface Layout {
  quote: 'single' | 'double';
  lineTerminator: '\n' | '\r\n';
  tabWidth: number;
  useTabs: boolean;
  /** False in a file written without statement-ending semicolons (standard style). Default true. */
  semicolons?: boolean;
}

/** `offsetText`: the text `file`'s offsets index into, when that is not `source` (recast's normalised copy). */
export function detectLayout(source: string, file: t.File, offsetText = source): Layout {
  let single = 0;
  let double = 0;
  walk(file, (node) => {
    if (node.type === 'StringLiteral') {
      const raw = (node.extra as { raw?: string } | undefined)?.raw ?? '';
      if (raw.startsWith("'")) single++;
      else if (raw.startsWith('"')) double++;
    }
    return undefined;
  });
  const crlf = (source.match(/\r\n/g) ?? []).length;
  const lf = (source.match(/\n/g) ?? []).length - crlf;
  const indents = source.match(/^[ \t]+(?=\S)/gm) ?? [];
  const tabbed = indents.filter((i) => i.startsWith('\t')).length;
  const useTabs = tabbed > indents.length / 2;
  return {
    quote: single >= double ? 'single' : 'double',
    lineTerminator: crlf > lf ? '\r\n' : '\n',
    tabWidth: useTabs ? 4 : guessIndentWidth(indents),
    useTabs,
    semicolons: usesSemicolons(offsetText, file),
  };
}

/** Statements that end with `;` in a file that writes semicolons, and may end without one. */
const SEMICOLON_STATEMENTS = new Set([
  'ExpressionStatement',
  'VariableDeclaration',
  'ReturnStatement',
  'ThrowStatement',
  'BreakStatement',
  'ContinueStatement',
  'DebuggerStatement',
  'ImportDeclaration',
]);

/** The first character after `from` that is not whitespace or inside a comment, and its position. */
function nextSignificant(text: string, from: number): { at: number; newline: boolean } {
  let at = from;
  let newline = false;
  while (at < text.length) {
    const ch = text[at];
    if (ch === '\n') newline = true;
    if (/\s/.test(ch)) at++;
    else if (text.startsWith('//', at)) {
      const eol = text.indexOf('\n', at);
      at = eol < 0 ? text.length : eol;
    } else if (text.startsWith('/*', at)) {
      const close = text.indexOf('*/', at + 2);
      if (text.slice(at, close).includes('\n')) newline = true;
      at = close < 0 ? text.length : close + 2;
    } else break;
  }
  return { at, newline };
}

/** A statement ends the line it is on (the semicolon question only arises there). */
function endsLine(text: string, end: number): boolean {
  const next = nextSignificant(text, end);
  return next.at >= text.length || next.newline || text[next.at] === '}';
}

/** Does the file end its statements with `;`? A vote of the statements that end a line. */
function usesSemicolons(source: string, file: t.File): boolean {
  let withSemicolon = 0;
  let total = 0;
  walk(file, (node) => {
    if (!SEMICOLON_STATEMENTS.has(node.type) || node.end == null) return undefined;
    if (!endsLine(source, node.end)) return undefined; // `for (let i = 0; ...)`, `a; b`
    total++;
    if (source[node.end - 1] === ';') withSemicolon++;
    return undefined;
  });
  return total === 0 || withSemicolon * 2 >= total;
}

/**
 * A line starting with one of these would continue the statement above it if that statement
 * lost its `;`, so the `;` stays.
 */
const CONTINUES_STATEMENT = /[[(`+\-/*%,.?:<>=!&|^]/;

/**
 * Recast ends every statement it prints with `;`. In a file written without semicolons, drop the
 * `;` that ends a line leakfix printed (never one of the file's own lines) when the next line
 * cannot continue the statement, so the new code follows the file's style.
 */
export function dropPrintedSemicolons(original: string, output: string, file: t.File, layout: Layout): string {
  if (layout.semicolons !== false) return output;
  const originalLines = new Set(original.split(/\r?\n/).map((line) => line.trimEnd()));
  const cuts: number[] = [];
  walk(file, (node) => {
    if (!SEMICOLON_STATEMENTS.has(node.type) || node.end == null) return undefined;
    const end = node.end;
    if (output[end - 1] !== ';') return undefined;
    const lineStart = output.lastIndexOf('\n', end - 1) + 1;
    const lineEnd = output.indexOf('\n', end);
    const line = output.slice(lineStart, lineEnd < 0 ? output.length : lineEnd).trimEnd();
    if (originalLines.has(line)) return undefined;
    const next = nextSignificant(output, end);
    if (next.at < output.length && (!next.newline || CONTINUES_STATEMENT.test(output[next.at]))) return undefined;
    cuts.push(end - 1);
    return undefined;
  });
  let out = output;
  for (const cut of cuts.sort((a, b) => b - a)) out = out.slice(0, cut) + out.slice(cut + 1);
  return out;
}

/** The most common step between consecutive space indents, default 2. */
function guessIndentWidth(indents: readonly string[]): number {
  const counts = new Map<number, number>();
  for (const indent of indents) {
    if (indent.includes('\t')) continue;
    const width = indent.length;
    for (const step of [2, 4, 8]) if (width % step === 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  // A width is only chosen over a smaller one when (almost) every indent is a multiple of it.
  const two = counts.get(2) ?? 0;
  const four = counts.get(4) ?? 0;
  if (two === 0) return 2;
  return four >= two * 0.95 ? 4 : 2;
}

/**
 * Recast indents the lines it prints with spaces even when asked for tabs (it adds spaces after
 * the original tab prefix). In a tab-indented file, re-express the indentation of every line that
 * is not an original line as tabs plus the leftover spaces, so alignment inside comments is kept.
 */
export function retabChangedLines(original: string, output: string, layout: Layout): string {
  if (!layout.useTabs) return output;
  const originalLines = new Set(original.split(/\r?\n/));
  const width = layout.tabWidth;
  return output
    .split('\n')
    .map((line) => {
      const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (originalLines.has(bare)) return line;
      const indent = /^[ \t]*/.exec(line)![0];
      if (!indent.includes(' ')) return line;
      let columns = 0;
      for (const ch of indent) columns = ch === '\t' ? columns + width - (columns % width) : columns + 1;
      return '\t'.repeat(Math.floor(columns / width)) + ' '.repeat(columns % width) + line.slice(indent.length);
    })
    .join('\n');
}
