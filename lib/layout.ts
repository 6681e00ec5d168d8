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
}

export function detectLayout(source: string, file: t.File): Layout {
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
  };
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
