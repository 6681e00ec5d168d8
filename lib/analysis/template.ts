/**
 * Code built by fixes, written as source text. In a fix, the text is first restyled to the file's
 * quotes and indentation, then parsed by recast, so recast reuses that text when printing rather
 * than re-deriving a layout (it would put every object property on its own line and add blank
 * lines around statements). Templates are written with single quotes and 2-space indents.
 */
import * as recast from 'recast';
import type * as t from '@babel/types';
import { parseForDetection, recastParser, type ParserName } from '../parsers';
import { walk } from './ast';
import type { Layout } from '../layout';

function quoteString(value: string, quote: 'single' | 'double'): string {
  const q = quote === 'single' ? "'" : '"';
  const escaped = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"');
  return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped.replace(/"/g, '\\"')) + q;
}

/** Rewrites the template's string quotes and 2-space indents into the file's style. */
export function restyle(code: string, parser: ParserName, layout: Layout): string {
  const file = parseForDetection(code, parser);
  const edits: Array<{ start: number; end: number; text: string }> = [];
  walk(file, (node) => {
    if (node.type === 'StringLiteral' && node.start != null && node.end != null) {
      const raw = code.slice(node.start, node.end);
      const wanted = layout.quote === 'single' ? "'" : '"';
      if (raw[0] !== wanted) edits.push({ start: node.start, end: node.end, text: quoteString(node.value, layout.quote) });
    }
  });
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  const unit = layout.useTabs ? '\t' : ' '.repeat(layout.tabWidth);
  return out.replace(/^( {2})+/gm, (spaces) => unit.repeat(spaces.length / 2));
}

function stripPositions<T extends t.Node>(node: T): T {
  walk(node, (n) => {
    const record = n as unknown as Record<string, unknown>;
    for (const key of ['loc', 'start', 'end', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments']) {
      delete record[key];
    }
  });
  return node;
}

export class Template {
  constructor(
    private readonly parser: ParserName,
    private readonly layout?: Layout,
  ) {}

  /** Statements from source text, e.g. `template.statements('clearInterval(id);')`. */
  statements(code: string): t.Statement[] {
    if (!this.layout) return parseForDetection(code, this.parser).program.body.map((s) => stripPositions(s));
    // Recast spaces a reused statement by the blank lines around it in its own text: one newline
    // on each side makes an inserted statement sit on its own line, with no blank line added.
    const text = `\n${restyle(code, this.parser, this.layout)}\n`;
    const file = recast.parse(text, { parser: recastParser(this.parser) }) as unknown as t.File;
    return file.program.body;
  }

  statement(code: string): t.Statement {
    const [first] = this.statements(code);
    if (!first) throw new Error(`template produced no statement: ${code}`);
    return first;
  }

  /** One expression from source text. */
  expression(code: string): t.Expression {
    const statement = this.statement(`(${code});`);
    if (statement.type !== 'ExpressionStatement') throw new Error(`template is not an expression: ${code}`);
    const expression = statement.expression;
    // The parentheses were only there to parse; recast adds its own where precedence needs them.
    if (expression.extra) delete expression.extra.parenthesized;
    return expression;
  }
}
