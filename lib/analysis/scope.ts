/**
 * Lexical scopes, bindings and references for a Babel AST (plain or recast).
 *
 * Transforms use this to answer "does this `setInterval` mean the global?", "is this handle read
 * anywhere?", "is this `let` ever reassigned?" and "which name is free?". Type-only positions
 * (TS and Flow annotations, interfaces, type aliases) are not references: reading a handle's type
 * does not read the handle.
 */
import type * as t from '@babel/types';
import { VISITOR_KEYS } from '@babel/types';
import type { Node } from './ast';

export type BindingKind =
  | 'var'
  | 'let'
  | 'const'
  | 'using'
  | 'param'
  | 'function'
  | 'class'
  | 'import'
  | 'catch'
  | 'enum'
  | 'namespace';

export type ScopeKind = 'program' | 'function' | 'block' | 'class' | 'catch';

export interface Scope {
  readonly node: Node;
  readonly kind: ScopeKind;
  readonly parent: Scope | undefined;
  readonly bindings: Map<string, Binding>;
}

export interface Reference {
  readonly identifier: t.Identifier | t.JSXIdentifier;
  readonly scope: Scope;
  readonly read: boolean;
  readonly write: boolean;
  binding: Binding | undefined;
}

export interface Binding {
  readonly name: string;
  readonly kind: BindingKind;
  /** The identifier that declares the name. */
  readonly identifier: t.Identifier;
  /** The declaring construct: VariableDeclarator, Function, Class, Import*Specifier, CatchClause, ... */
  readonly declaration: Node;
  readonly scope: Scope;
  readonly references: Reference[];
}

/** Keys under which only types live; nothing below them is a runtime reference. */
const TYPE_KEYS = new Set([
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeParameters',
  'superTypeArguments',
  'implements',
  'predicate',
  'decorators',
]);

const TYPE_ONLY_DECLARATIONS = new Set([
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSDeclareMethod',
  'TSTypeQuery',
  'TSQualifiedName',
  'TypeAlias',
  'OpaqueType',
  'InterfaceDeclaration',
  'DeclareVariable',
  'DeclareFunction',
  'DeclareClass',
  'DeclareModule',
  'DeclareModuleExports',
  'DeclareTypeAlias',
  'DeclareOpaqueType',
  'DeclareInterface',
  'DeclareExportDeclaration',
  'DeclareExportAllDeclaration',
  'TSIndexSignature',
]);

type Frame = { node: Node; parent: Node | null; key: string | null; scope: Scope };

export class ScopeAnalysis {
  readonly program: Scope;
  readonly scopes: Scope[] = [];
  private readonly scopeByNode = new Map<Node, Scope>();
  private readonly bindingByIdentifier = new Map<Node, Binding>();
  private readonly referenceByIdentifier = new Map<Node, Reference>();
  /** Every identifier name seen anywhere, so generated names never collide. */
  readonly usedNames = new Set<string>();

  constructor(root: t.File | t.Program) {
    const program = root.type === 'File' ? root.program : root;
    this.program = this.newScope(program, 'program', undefined);
    this.build(program);
    for (const reference of this.referenceByIdentifier.values()) {
      const binding = this.lookup(reference.identifier.name, reference.scope);
      reference.binding = binding;
      binding?.references.push(reference);
    }
  }

  /** The binding a name resolves to from `scope`, or undefined for a global. */
  lookup(name: string, scope: Scope): Binding | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const binding = s.bindings.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  /** The innermost scope a node is evaluated in. */
  scopeAt(node: Node, parentOf: (n: Node) => Node | undefined): Scope {
    const ref = this.referenceByIdentifier.get(node);
    if (ref) return ref.scope;
    for (let current: Node | undefined = node; current; current = parentOf(current)) {
      const scope = this.scopeByNode.get(current);
      if (scope && current !== node) return scope;
    }
    return this.program;
  }

  /** The binding an identifier reads or writes, if it is a reference to a declared name. */
  resolve(identifier: Node): Binding | undefined {
    return this.referenceByIdentifier.get(identifier)?.binding;
  }

  reference(identifier: Node): Reference | undefined {
    return this.referenceByIdentifier.get(identifier);
  }

  /** The binding declared by an identifier (`const x`, a param, an import's local name). */
  declared(identifier: Node): Binding | undefined {
    return this.bindingByIdentifier.get(identifier);
  }

  /** True when `name` at `node` means the global of that name (not shadowed anywhere in scope). */
  isGlobal(name: string, node: Node, parentOf: (n: Node) => Node | undefined): boolean {
    return this.lookup(name, this.scopeAt(node, parentOf)) === undefined;
  }

  /** `base`, or `base2`, `base3`, ...: the first name not used anywhere in the file. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.usedNames.has(name); i++) name = `${base}${i}`;
    this.usedNames.add(name);
    return name;
  }

  private newScope(node: Node, kind: ScopeKind, parent: Scope | undefined): Scope {
    const scope: Scope = { node, kind, parent, bindings: new Map() };
    this.scopes.push(scope);
    this.scopeByNode.set(node, scope);
    return scope;
  }

  private functionScope(scope: Scope): Scope {
    let s = scope;
    while (s.kind !== 'function' && s.kind !== 'program' && s.parent) s = s.parent;
    return s;
  }

  private declare(identifier: t.Identifier, kind: BindingKind, declaration: Node, scope: Scope): void {
    this.usedNames.add(identifier.name);
    const existing = scope.bindings.get(identifier.name);
    // `var x` twice, or a function redeclared: one binding, first declaration wins.
    if (existing) {
      this.bindingByIdentifier.set(identifier, existing);
      return;
    }
    const binding: Binding = { name: identifier.name, kind, identifier, declaration, scope, references: [] };
    scope.bindings.set(identifier.name, binding);
    this.bindingByIdentifier.set(identifier, binding);
  }

  private addReference(identifier: t.Identifier | t.JSXIdentifier, scope: Scope, read: boolean, write: boolean): void {
    this.usedNames.add(identifier.name);
    this.referenceByIdentifier.set(identifier, { identifier, scope, read, write, binding: undefined });
  }

  /** Declares every identifier bound by a pattern; defaults and computed keys are references. */
  private declarePattern(pattern: Node, kind: BindingKind, declaration: Node, scope: Scope, exprScope: Scope, pending: Frame[]): void {
    switch (pattern.type) {
      case 'Identifier':
        this.declare(pattern, kind, declaration, scope);
        return;
      case 'ObjectPattern':
        for (const property of pattern.properties) {
          if (property.type === 'RestElement') this.declarePattern(property.argument, kind, declaration, scope, exprScope, pending);
          else {
            if (property.computed) pending.push({ node: property.key, parent: property, key: 'key', scope: exprScope });
            this.declarePattern(property.value, kind, declaration, scope, exprScope, pending);
          }
        }
        return;
      case 'ArrayPattern':
        for (const element of pattern.elements) if (element) this.declarePattern(element, kind, declaration, scope, exprScope, pending);
        return;
      case 'AssignmentPattern':
        this.declarePattern(pattern.left, kind, declaration, scope, exprScope, pending);
        pending.push({ node: pattern.right, parent: pattern, key: 'right', scope: exprScope });
        return;
      case 'RestElement':
        this.declarePattern(pattern.argument, kind, declaration, scope, exprScope, pending);
        return;
      case 'TSParameterProperty':
        this.declarePattern(pattern.parameter, kind, declaration, scope, exprScope, pending);
        return;
      default:
        // Member expressions in patterns (`[this.a] = x`) are assignment targets, not declarations.
        pending.push({ node: pattern, parent: null, key: null, scope: exprScope });
    }
  }

  /** Marks identifiers assigned by a pattern as writes; the rest of the pattern is walked normally. */
  private assignPattern(pattern: Node, scope: Scope, compound: boolean, pending: Frame[]): void {
    switch (pattern.type) {
      case 'Identifier':
        this.addReference(pattern, scope, compound, true);
        return;
      case 'ObjectPattern':
        for (const property of pattern.properties) {
          if (property.type === 'RestElement') this.assignPattern(property.argument, scope, false, pending);
          else {
            if (property.computed) pending.push({ node: property.key, parent: property, key: 'key', scope });
            this.assignPattern(property.value as Node, scope, false, pending);
          }
        }
        return;
      case 'ArrayPattern':
        for (const element of pattern.elements) if (element) this.assignPattern(element, scope, false, pending);
        return;
      case 'AssignmentPattern':
        this.assignPattern(pattern.left, scope, false, pending);
        pending.push({ node: pattern.right, parent: pattern, key: 'right', scope });
        return;
      case 'RestElement':
        this.assignPattern(pattern.argument, scope, false, pending);
        return;
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'ParenthesizedExpression':
        this.assignPattern(pattern.expression, scope, compound, pending);
        return;
      default:
        pending.push({ node: pattern, parent: null, key: null, scope });
    }
  }

  private build(program: t.Program): void {
    const stack: Frame[] = [{ node: program, parent: null, key: null, scope: this.program }];
    while (stack.length > 0) {
      const frame = stack.pop()!;
      const children = this.visit(frame);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }

  /** Handles one node and returns the frames of the children still to visit. */
  private visit({ node, parent, key, scope }: Frame): Frame[] {
    const out: Frame[] = [];
    if (TYPE_ONLY_DECLARATIONS.has(node.type)) return out;
    if ((node as { declare?: boolean }).declare === true) return out;
    if ((node as { importKind?: string }).importKind === 'type' && node.type === 'ImportDeclaration') {
      return out;
    }

    const defaultChildren = (childScope: Scope, skip?: ReadonlySet<string>): void => {
      for (const childKey of VISITOR_KEYS[node.type] ?? []) {
        if (TYPE_KEYS.has(childKey) || skip?.has(childKey)) continue;
        const value = (node as unknown as Record<string, unknown>)[childKey];
        if (Array.isArray(value)) {
          for (const child of value) if (isNodeValue(child)) out.push({ node: child, parent: node, key: childKey, scope: childScope });
        } else if (isNodeValue(value)) {
          out.push({ node: value, parent: node, key: childKey, scope: childScope });
        }
      }
    };

    switch (node.type) {
      case 'Identifier': {
        if (parent && !isReferencePosition(node, parent, key)) {
          this.usedNames.add(node.name);
          return out;
        }
        this.addReference(node, scope, true, false);
        return out;
      }
      case 'JSXIdentifier': {
        this.usedNames.add(node.name);
        const isComponentName =
          parent !== null &&
          ((parent.type === 'JSXOpeningElement' && key === 'name' && /^[A-Z_$]/.test(node.name)) ||
            (parent.type === 'JSXMemberExpression' && key === 'object'));
        if (isComponentName) this.addReference(node, scope, true, false);
        return out;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ObjectMethod':
      case 'ClassMethod':
      case 'ClassPrivateMethod': {
        if (node.type === 'FunctionDeclaration' && node.id) this.declare(node.id, 'function', node, scope);
        if ((node.type === 'ObjectMethod' || node.type === 'ClassMethod') && node.computed) {
          out.push({ node: node.key, parent: node, key: 'key', scope });
        }
        const fnScope = this.newScope(node, 'function', scope);
        if (node.type === 'FunctionExpression' && node.id) this.declare(node.id, 'function', node, fnScope);
        for (const param of node.params) this.declarePattern(param, 'param', node, fnScope, fnScope, out);
        if (node.body.type === 'BlockStatement') {
          this.scopeByNode.set(node.body, fnScope);
          for (const statement of node.body.body) out.push({ node: statement, parent: node.body, key: 'body', scope: fnScope });
        } else {
          out.push({ node: node.body, parent: node, key: 'body', scope: fnScope });
        }
        return out;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        if (node.type === 'ClassDeclaration' && node.id) this.declare(node.id, 'class', node, scope);
        if (node.superClass) out.push({ node: node.superClass, parent: node, key: 'superClass', scope });
        const classScope = this.newScope(node, 'class', scope);
        if (node.type === 'ClassExpression' && node.id) this.declare(node.id, 'class', node, classScope);
        for (const member of node.body.body) out.push({ node: member, parent: node.body, key: 'body', scope: classScope });
        return out;
      }
      case 'ClassProperty':
      case 'ClassPrivateProperty':
      case 'ClassAccessorProperty': {
        if ((node.type === 'ClassProperty' || node.type === 'ClassAccessorProperty') && node.computed) {
          out.push({ node: node.key, parent: node, key: 'key', scope });
        }
        if (node.value) {
          // Field initialisers run like a method body: `this` is the instance, names are in class scope.
          const initScope = this.newScope(node, 'function', scope);
          out.push({ node: node.value, parent: node, key: 'value', scope: initScope });
        }
        return out;
      }
      case 'StaticBlock': {
        const blockScope = this.newScope(node, 'function', scope);
        for (const statement of node.body) out.push({ node: statement, parent: node, key: 'body', scope: blockScope });
        return out;
      }
      case 'VariableDeclaration': {
        const kind: BindingKind = node.kind === 'var' ? 'var' : node.kind === 'let' ? 'let' : node.kind === 'const' ? 'const' : 'using';
        const target = kind === 'var' ? this.functionScope(scope) : scope;
        for (const declarator of node.declarations) {
          this.declarePattern(declarator.id, kind, declarator, target, scope, out);
          if (declarator.init) out.push({ node: declarator.init, parent: declarator, key: 'init', scope });
        }
        return out;
      }
      case 'ImportDeclaration': {
        for (const specifier of node.specifiers) {
          if ((specifier as { importKind?: string }).importKind === 'type') continue;
          this.declare(specifier.local, 'import', specifier, this.program);
        }
        return out;
      }
      case 'TSImportEqualsDeclaration': {
        if (!node.isExport || node.importKind !== 'type') this.declare(node.id, 'import', node, scope);
        return out;
      }
      case 'CatchClause': {
        const catchScope = this.newScope(node, 'catch', scope);
        if (node.param) this.declarePattern(node.param, 'catch', node, catchScope, catchScope, out);
        this.scopeByNode.set(node.body, catchScope);
        for (const statement of node.body.body) out.push({ node: statement, parent: node.body, key: 'body', scope: catchScope });
        return out;
      }
      case 'BlockStatement':
      case 'SwitchStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const blockScope = this.newScope(node, 'block', scope);
        if ((node.type === 'ForInStatement' || node.type === 'ForOfStatement') && node.left.type !== 'VariableDeclaration') {
          this.assignPattern(node.left, scope, false, out);
          defaultChildren(blockScope, new Set(['left']));
          return out;
        }
        defaultChildren(blockScope);
        return out;
      }
      case 'TSEnumDeclaration': {
        this.declare(node.id, 'enum', node, scope);
        const enumScope = this.newScope(node, 'block', scope);
        for (const member of node.members) if (member.initializer) out.push({ node: member.initializer, parent: member, key: 'initializer', scope: enumScope });
        return out;
      }
      case 'TSModuleDeclaration': {
        if (node.id.type === 'Identifier') this.declare(node.id, 'namespace', node, scope);
        if (node.body) {
          const moduleScope = this.newScope(node, 'function', scope);
          out.push({ node: node.body, parent: node, key: 'body', scope: moduleScope });
        }
        return out;
      }
      case 'AssignmentExpression': {
        this.assignPattern(node.left, scope, node.operator !== '=', out);
        out.push({ node: node.right, parent: node, key: 'right', scope });
        return out;
      }
      case 'UpdateExpression': {
        const argument = node.argument;
        if (argument.type === 'Identifier') this.addReference(argument, scope, true, true);
        else out.push({ node: argument, parent: node, key: 'argument', scope });
        return out;
      }
      case 'ExportNamedDeclaration': {
        if (node.source) return out; // `export { a } from 'm'` names nothing local
        if ((node as { exportKind?: string }).exportKind === 'type') return out;
        defaultChildren(scope);
        return out;
      }
      case 'ExportAllDeclaration':
        return out;
      default:
        defaultChildren(scope);
        return out;
    }
  }
}

function isNodeValue(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** False for identifiers that name something other than a variable: keys, labels, members. */
function isReferencePosition(node: t.Identifier, parent: Node, key: string | null): boolean {
  switch (parent.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return key !== 'property' || parent.computed === true;
    case 'ObjectProperty':
      return key !== 'key' || parent.computed;
    case 'ObjectMethod':
    case 'ClassMethod':
    case 'ClassProperty':
    case 'ClassAccessorProperty':
    case 'TSDeclareMethod':
    case 'TSPropertySignature':
      return key !== 'key' || parent.computed === true;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    case 'ExportSpecifier':
      return key === 'local';
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'ExportNamespaceSpecifier':
    case 'ExportDefaultSpecifier':
    case 'MetaProperty':
    case 'TSEnumMember':
    case 'PrivateName':
      return false;
    default:
      return node !== undefined;
  }
}
