/**
 * Adding a runtime import the way the file already imports: ESM `import` or CJS `require`,
 * merged into an existing import of the runtime, aliased when the name is taken, added once.
 */
import type * as t from '@babel/types';
import type { RuleContext } from '../rule';
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

/** How a file loads modules: by its syntax, else by its extension. */
export function moduleKind(program: t.Program, filePath: string): ModuleKind {
  let sawRequire = false;
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration' || statement.type.startsWith('Export')) return 'esm';
    if (isTopLevelRequire(statement)) sawRequire = true;
    if (
      statement.type === 'ExpressionStatement' &&
      statement.expression.type === 'AssignmentExpression' &&
      /^(module\.exports|exports)\b/.test(memberText(statement.expression.left))
    ) {
      sawRequire = true;
    }
  }
  if (sawRequire) return 'cjs';
  return ESM_EXTENSIONS.test(filePath) ? 'esm' : 'cjs';
}

function memberText(node: t.Node): string {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    return `${memberText(node.object)}.${node.property.name}`;
  }
  return '';
}

type Commented = { comments?: Array<t.Comment & { leading?: boolean }> | null };

/**
 * Comments above the first statement that are separated from it by a blank line are a file
 * header: they stay at the top when an import is inserted before that statement.
 */
function moveHeaderComments(from: t.Statement, to: t.Statement): void {
  const source = from as unknown as Commented;
  const comments = source.comments;
  if (!comments?.length || !from.loc) return;
  let attachedFrom = comments.length;
  let nextLine = from.loc.start.line;
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i];
    if (!comment.leading || !comment.loc) continue;
    if (comment.loc.end.line < nextLine - 1) break;
    attachedFrom = i;
    nextLine = comment.loc.start.line;
  }
  const header = comments.slice(0, attachedFrom).filter((c) => c.leading);
  if (header.length === 0) return;
  source.comments = comments.filter((c) => !header.includes(c));
  (to as unknown as Commented).comments = header;
}

export class RuntimeImports {
  private readonly resolved = new Map<string, string>();

  constructor(
    private readonly ctx: RuleContext,
    readonly specifier: string,
  ) {}

  /**
   * The expression to call runtime export `name` with in this file (`supervise`, `lf.supervise`,
   * `leakfixSupervise`), adding or extending the runtime import on first use.
   */
  use(name: string): string {
    const cached = this.resolved.get(name);
    if (cached) return cached;
    const callee = this.findExisting(name) ?? this.add(name);
    this.resolved.set(name, callee);
    return callee;
  }

  private get program(): t.Program {
    return this.ctx.file.program;
  }

  private localNameFor(name: string): string {
    const taken = this.ctx.scope.usedNames.has(name);
    return taken ? this.ctx.scope.uniqueName(`leakfix${name[0].toUpperCase()}${name.slice(1)}`) : this.ctx.scope.uniqueName(name);
  }

  private findExisting(name: string): string | undefined {
    for (const statement of this.program.body) {
      if (statement.type === 'ImportDeclaration' && statement.source.value === this.specifier && statement.importKind !== 'type') {
        for (const specifier of statement.specifiers) {
          if (specifier.type === 'ImportNamespaceSpecifier') return `${specifier.local.name}.${name}`;
          if (specifier.type === 'ImportSpecifier' && specifier.importKind !== 'type') {
            const imported = specifier.imported.type === 'Identifier' ? specifier.imported.name : specifier.imported.value;
            if (imported === name) return specifier.local.name;
          }
        }
      }
      if (statement.type === 'VariableDeclaration') {
        for (const declarator of statement.declarations) {
          if (!isRequireOf(declarator.init, this.specifier)) continue;
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

  private add(name: string): string {
    const local = this.localNameFor(name);
    const template = this.ctx.template;
    // Merge into an existing import of the runtime first.
    for (const statement of this.program.body) {
      if (statement.type === 'ImportDeclaration' && statement.source.value === this.specifier && statement.importKind !== 'type') {
        const hasNamespace = statement.specifiers.some((s) => s.type === 'ImportNamespaceSpecifier');
        if (hasNamespace) continue;
        const specifier = (template.statement(`import { ${name === local ? name : `${name} as ${local}`} } from 'x';`) as t.ImportDeclaration).specifiers[0];
        statement.specifiers.push(specifier);
        return local;
      }
      if (statement.type === 'VariableDeclaration') {
        for (const declarator of statement.declarations) {
          if (isRequireOf(declarator.init, this.specifier) && declarator.id.type === 'ObjectPattern') {
            const pattern = template.statement(`const { ${name === local ? name : `${name}: ${local}`} } = x;`) as t.VariableDeclaration;
            const property = (pattern.declarations[0].id as t.ObjectPattern).properties[0];
            declarator.id.properties.push(property);
            return local;
          }
        }
      }
    }
    const quoted = JSON.stringify(this.specifier);
    const kind = moduleKind(this.program, this.ctx.filePath);
    const declaration =
      kind === 'esm'
        ? template.statement(`import { ${name === local ? name : `${name} as ${local}`} } from ${quoted};`)
        : template.statement(`const { ${name === local ? name : `${name}: ${local}`} } = require(${quoted});`);
    this.insert(declaration, kind);
    return local;
  }

  private insert(declaration: t.Statement, kind: ModuleKind): void {
    const body = this.program.body;
    let at = 0;
    for (let i = 0; i < body.length; i++) {
      const statement = body[i];
      const isImport = kind === 'esm' ? statement.type === 'ImportDeclaration' : isTopLevelRequire(statement);
      if (isImport) at = i + 1;
      else if (kind === 'cjs') break; // requires are only merged into the leading block
    }
    if (at === 0 && body[0]) moveHeaderComments(body[0], declaration);
    body.splice(at, 0, declaration);
  }
}
