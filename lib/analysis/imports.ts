/**
 * Adding a runtime import the way the file already imports: ESM `import` or CJS `require`,
 * merged into an existing import of the runtime, aliased when the name is taken, added once.
 *
 * Fixes only ask for a name (`ctx.runtime.use('track')`); the import itself is added as a text
 * edit after printing, so the diff is exactly one new line (or one new specifier), whatever the
 * file's layout. Recast would otherwise reflow destructurings and add blank lines around it.
 */
import type * as t from '@babel/types';
import type { RuleContext } from '../rule';
import { parseForDetection, type ParserName } from '../parsers';
import type { Layout } from '../layout';
import { unwrapExpression } from './ast';

export type ModuleKind = 'esm' | 'cjs';

const ESM_EXTENSIONS = /\.(mjs|mts|ts|tsx|jsx)$/i;

function isRequireOf(node: t.Node | null | undefined, specifier?: string): node is t.CallExpression {
  if (!node) return false;
  const n = unwrapExpression(node);
  if (n.type !== 'CallExpression' || n.callee.type !== 'Identifier' || n.callee.name !== 'require') return false;
  const [arg] = n.arguments;
  return arg?.type === 'StringLiteral' && (specifier === undefined || arg.value === specifier);
}

function isTopLevelRequire(statement: t.Statement): boolean {
  return statement.type === 'VariableDeclaration' && statement.declarations.some((d) => isRequireOf(d.init));
}

function memberText(node: t.Node): string {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    return `${memberText(node.object)}.${node.property.name}`;
  }
  return '';
}

/** How a file loads modules: by its syntax, else as its file context says (`fallback`), else by its extension. */
export function moduleKind(program: t.Program, filePath: string, fallback?: ModuleKind): ModuleKind {
  let sawCommonJs = false;
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration' || statement.type.startsWith('Export')) return 'esm';
    if (isTopLevelRequire(statement)) sawCommonJs = true;
    if (
      statement.type === 'ExpressionStatement' &&
      statement.expression.type === 'AssignmentExpression' &&
      /^(module\.exports|exports)\b/.test(memberText(statement.expression.left))
    ) {
      sawCommonJs = true;
    }
  }
  if (sawCommonJs) return 'cjs';
  if (fallback) return fallback;
  return ESM_EXTENSIONS.test(filePath) ? 'esm' : 'cjs';
}

function isRuntimeImport(statement: t.Statement, specifier: string): statement is t.ImportDeclaration {
  return statement.type === 'ImportDeclaration' && statement.source.value === specifier && statement.importKind !== 'type';
}

function importedName(specifier: t.ImportSpecifier): string {
  return specifier.imported.type === 'Identifier' ? specifier.imported.name : specifier.imported.value;
}

/** The callee text for runtime export `name` if the file already imports it. */
function existingCallee(program: t.Program, specifier: string, name: string): string | undefined {
  for (const statement of program.body) {
    if (isRuntimeImport(statement, specifier)) {
      for (const s of statement.specifiers) {
        if (s.type === 'ImportNamespaceSpecifier') return `${s.local.name}.${name}`;
        if (s.type === 'ImportSpecifier' && s.importKind !== 'type' && importedName(s) === name) return s.local.name;
      }
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        if (!isRequireOf(declarator.init, specifier)) continue;
        if (declarator.id.type === 'Identifier') return `${declarator.id.name}.${name}`;
        if (declarator.id.type === 'ObjectPattern') {
          for (const property of declarator.id.properties) {
            if (property.type === 'ObjectProperty' && property.key.type === 'Identifier' && property.key.name === name && property.value.type === 'Identifier') {
              return property.value.name;
            }
          }
        }
      }
    }
  }
  return undefined;
}

/** One runtime export a fix needs, and the local name it will have. */
export interface ImportRequest {
  name: string;
  local: string;
}

export class RuntimeImports {
  private readonly callees = new Map<string, string>();
  private readonly pending: ImportRequest[] = [];
  /** How many times fixes asked for a runtime export: a fix that raised it needs the runtime. */
  uses = 0;

  constructor(
    private readonly ctx: RuleContext,
    readonly specifier: string,
  ) {}

  /**
   * The expression to call runtime export `name` with in this file (`supervise`, `lf.supervise`,
   * or `leakfixSupervise` when the name is taken). The import is added after printing.
   */
  use(name: string): string {
    this.uses++;
    const known = this.callees.get(name);
    if (known) return known;
    let callee = existingCallee(this.ctx.file.program, this.specifier, name);
    if (!callee) {
      const scope = this.ctx.scope;
      callee = scope.usedNames.has(name) ? scope.uniqueName(`leakfix${name[0].toUpperCase()}${name.slice(1)}`) : scope.uniqueName(name);
      this.pending.push({ name, local: callee });
    }
    this.callees.set(name, callee);
    return callee;
  }

  /** Imports that fixes asked for and the file does not have yet. */
  get requests(): readonly ImportRequest[] {
    return this.pending;
  }
}

function specifierText(request: ImportRequest, kind: ModuleKind): string {
  if (request.name === request.local) return request.name;
  return kind === 'esm' ? `${request.name} as ${request.local}` : `${request.name}: ${request.local}`;
}

function usesSemicolons(source: string, program: t.Program): boolean {
  // Blocks (functions, classes) end in `}` with or without the semicolon style: they do not vote.
  const ends = program.body
    .slice(0, 20)
    .map((s) => source.slice(0, s.end ?? 0).trimEnd().slice(-1))
    .filter((c) => c !== '}');
  const withSemicolon = ends.filter((c) => c === ';').length;
  return ends.length === 0 || withSemicolon * 2 >= ends.length;
}

/** `require('x')` at the root of an expression: `require('x')`, `require('x').y`, `require('x')(a)`, `require('x').config()`. */
function isRequireRooted(node: t.Node | null | undefined): boolean {
  let n: t.Node | undefined = node ? unwrapExpression(node) : undefined;
  while (n) {
    if (isRequireOf(n as t.Node)) return true;
    if (n.type === 'MemberExpression') n = unwrapExpression(n.object);
    else if (n.type === 'CallExpression' && n.callee.type !== 'V8IntrinsicIdentifier') n = unwrapExpression(n.callee);
    else return false;
  }
  return false;
}

/** A statement of the file's require block: `const a = require('a')`, `require('b')`, `require('c').config()`. */
function isRequireStatement(statement: t.Statement): boolean {
  if (statement.type === 'VariableDeclaration') return statement.declarations.length > 0 && statement.declarations.every((d) => isRequireRooted(d.init));
  if (statement.type === 'ExpressionStatement') return isRequireRooted(statement.expression);
  return statement.type === 'TSImportEqualsDeclaration';
}

function isImportStatement(statement: t.Statement): boolean {
  return statement.type === 'ImportDeclaration' || statement.type === 'TSImportEqualsDeclaration';
}

function isTypeOnlyImport(statement: t.Statement): boolean {
  return (statement.type === 'ImportDeclaration' || statement.type === 'TSImportEqualsDeclaration') && statement.importKind === 'type';
}

/** Does the statement's text mention one of the names (a use the new `const` must precede)? */
function mentions(source: string, statement: t.Statement, names: readonly string[]): boolean {
  const text = source.slice(statement.start ?? 0, statement.end ?? 0);
  return names.some((name) => new RegExp(`(^|[^\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text));
}

/**
 * Where the statement ends on its line: after any comments that follow it there (`foo(); // TODO`),
 * so a line inserted below never takes over the comment of the line above.
 */
function endOfLine(source: string, from: number): number {
  let at = from;
  for (;;) {
    const rest = /^[ \t]*/.exec(source.slice(at))![0];
    at += rest.length;
    if (source.startsWith('//', at)) {
      const eol = source.slice(at).search(/\r?\n/);
      return eol < 0 ? source.length : at + eol;
    }
    if (source.startsWith('/*', at)) {
      const close = source.indexOf('*/', at + 2);
      if (close < 0) return from;
      at = close + 2;
      continue;
    }
    const eol = source.slice(at).search(/^\r?\n/);
    return eol === 0 || at === source.length ? at : from;
  }
}

/** Comments that belong to the statement below them, whatever comes before: doc blocks and next-line directives. */
const ATTACHED_COMMENT = /^\*|^\s*(leakfix-ignore(?!-file)|eslint-disable-next-line|@ts-ignore|@ts-expect-error|prettier-ignore|istanbul\s+ignore|c8\s+ignore|jshint|jscs:)/;

type Placement = { at: number; mode: 'after-line' | 'before' | 'after-header' };

/**
 * Where a new import statement goes: after the file's import block (ESM: the last value import,
 * so a trailing group of `import type` lines stays last; CJS: the leading run of `require`
 * statements, unless code in it already uses the new names), past any comment on that line;
 * else below a header comment at the top of the file; else above the first statement and the
 * comments glued to it.
 */
function insertionPoint(source: string, program: t.Program, kind: ModuleKind, names: readonly string[]): Placement {
  const body = program.body;
  let anchor: t.Statement | undefined;
  if (kind === 'esm') {
    const imports = body.filter(isImportStatement);
    const lastValue = [...imports].reverse().find((s) => !isTypeOnlyImport(s));
    anchor = lastValue ?? imports[imports.length - 1];
  } else {
    const first = body.findIndex(isRequireStatement);
    if (first >= 0) {
      let last = first;
      while (last + 1 < body.length && isRequireStatement(body[last + 1])) last++;
      const firstUse = body.findIndex((s) => mentions(source, s, names));
      if (firstUse < 0 || firstUse > last) anchor = body[last];
    }
  }
  if (anchor) return { at: endOfLine(source, anchor.end ?? 0), mode: 'after-line' };

  const first = body[0];
  if (!first) return { at: source.length, mode: 'before' };
  // Comments glued to the first statement (no blank line between) belong to it; the import goes above them.
  let at = first.start ?? 0;
  const glued: t.Comment[] = [];
  for (const comment of [...(first.leadingComments ?? [])].reverse()) {
    const gap = source.slice(comment.end ?? at, at);
    if ((gap.match(/\n/g) ?? []).length > 1) break;
    glued.unshift(comment);
    at = comment.start ?? at;
  }
  // ...unless they open the file: then they are its header (what it is, licence, `@ts-check`),
  // and the import goes below them, above the doc comments and directives of the first statement.
  const directivesEnd = program.directives.length > 0 ? program.directives[program.directives.length - 1].end ?? 0 : 0;
  if (glued.length > 0 && source.slice(directivesEnd, at).trim() === '' && directivesEnd === 0) {
    let header = glued.length;
    while (header > 0 && ATTACHED_COMMENT.test(glued[header - 1].value)) header--;
    if (header > 0) return { at: glued[header - 1].end ?? at, mode: 'after-header' };
  }
  return { at, mode: 'before' };
}

/**
 * Adds the requested runtime imports to printed output as text edits: new specifiers join an
 * existing import or destructured require of the runtime; otherwise one new statement goes after
 * the file's imports (or above the first statement, below any header comment).
 */
export function addRuntimeImports(
  output: string,
  requests: readonly ImportRequest[],
  specifier: string,
  parser: ParserName,
  filePath: string,
  layout: Layout,
  fallbackKind?: ModuleKind,
): string {
  if (requests.length === 0) return output;
  const program = parseForDetection(output, parser).program;
  const kind = moduleKind(program, filePath, fallbackKind);
  const joined = requests.map((r) => specifierText(r, kind)).join(', ');

  for (const statement of program.body) {
    if (isRuntimeImport(statement, specifier) && !statement.specifiers.some((s) => s.type === 'ImportNamespaceSpecifier')) {
      const named = statement.specifiers.filter((s): s is t.ImportSpecifier => s.type === 'ImportSpecifier');
      if (named.length > 0) {
        const end = named[named.length - 1].end ?? 0;
        return `${output.slice(0, end)}, ${joined}${output.slice(end)}`;
      }
      const defaultSpecifier = statement.specifiers[0];
      if (defaultSpecifier) {
        const end = defaultSpecifier.end ?? 0;
        return `${output.slice(0, end)}, { ${joined} }${output.slice(end)}`;
      }
    }
    if (kind === 'cjs' && statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        if (!isRequireOf(declarator.init, specifier) || declarator.id.type !== 'ObjectPattern') continue;
        const properties = declarator.id.properties;
        const lastProperty = properties[properties.length - 1];
        if (lastProperty && lastProperty.type !== 'RestElement') {
          const end = lastProperty.end ?? 0;
          return `${output.slice(0, end)}, ${joined}${output.slice(end)}`;
        }
      }
    }
  }

  const q = layout.quote === 'single' ? "'" : '"';
  const semi = layout.semicolons ?? usesSemicolons(output, program) ? ';' : '';
  const quoted = `${q}${specifier.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`)}${q}`;
  const statement = kind === 'esm' ? `import { ${joined} } from ${quoted}${semi}` : `const { ${joined} } = require(${quoted})${semi}`;
  const eol = layout.lineTerminator;
  const { at, mode } = insertionPoint(output, program, kind, requests.map((r) => r.local));
  if (mode === 'after-line') return `${output.slice(0, at)}${eol}${statement}${output.slice(at)}`;
  if (mode === 'after-header') return `${output.slice(0, at)}${eol}${eol}${statement}${eol}${output.slice(at)}`;
  const tail = output.slice(at);
  return `${output.slice(0, at)}${statement}${eol}${tail.length > 0 ? eol : ''}${tail}`;
}
