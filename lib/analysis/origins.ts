/**
 * Where a binding's value comes from: an `import` of a module (default, named, namespace), a
 * module loaded by a call (`require('m')`, `await import('m')`, TypeScript's `import x =
 * require('m')`) taken whole, destructured or as one property, or something local.
 *
 * This only describes the declaration. Each rule keeps its own policy on top (which specifiers
 * count, whether a type-only import or a dynamic import does, whether the binding must never be
 * reassigned), so the answer carries every detail a policy may need.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { unwrapExpression, type AstIndex, type Node } from './ast';
import type { Binding, ScopeAnalysis } from './scope';

/** `import ... from '<specifier>'`. */
export interface ImportOrigin {
  kind: 'import';
  specifier: string;
  /** `import d from`, `import * as ns from`, `import { a as b } from`. */
  form: 'default' | 'namespace' | 'named';
  /** The export's name, for a named import (`a` in `import { a as b }`, also `import { 'a-b' as c }`). */
  imported?: string;
  /** `import type ...` or `import { type a }`: no value at run time. */
  typeOnly: boolean;
}

/** A module loaded by a call (or TypeScript's `import x = require(...)`), bound by a declarator. */
export interface RequireOrigin {
  kind: 'require';
  specifier: string;
  /** `require('m')`, `import('m')` / `await import('m')`, or `import x = require('m')`. */
  loader: 'require' | 'dynamic-import' | 'import-equals';
  /** The module object (`const m = require('m')`), a destructured property (`const { a: b } = ...`), or one member (`const a = require('m').a`). */
  form: 'whole' | 'destructured' | 'member';
  /** The property's name, for `destructured` and `member`. */
  imported?: string;
  /** `const { a = fallback } = require('m')`: the binding may hold the fallback. */
  withDefault: boolean;
}

export type BindingOrigin = ImportOrigin | RequireOrigin | { kind: 'local' };

const LOCAL: BindingOrigin = { kind: 'local' };

/** The origin of what `identifier` names here; `undefined` when it resolves to no binding of this file (a global). */
export function identifierOrigin(index: AstIndex, scope: ScopeAnalysis, identifier: Node): BindingOrigin | undefined {
  const binding = scope.resolve(identifier);
  return binding ? bindingOrigin(index, binding) : undefined;
}

/** The origin of a binding's value, from its declaration. */
export function bindingOrigin(index: AstIndex, binding: Binding): BindingOrigin {
  const declaration = binding.declaration;
  switch (declaration.type) {
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return importOrigin(index, declaration);
    case 'TSImportEqualsDeclaration': {
      const reference = declaration.moduleReference;
      if (reference.type !== 'TSExternalModuleReference') return LOCAL;
      return { kind: 'require', specifier: reference.expression.value, loader: 'import-equals', form: 'whole', withDefault: false };
    }
    case 'VariableDeclarator':
      return declaratorOrigin(declaration, binding.identifier);
    default:
      return LOCAL;
  }
}

function importOrigin(index: AstIndex, specifier: t.ImportSpecifier | t.ImportDefaultSpecifier | t.ImportNamespaceSpecifier): BindingOrigin {
  const importDeclaration = index.parent(specifier);
  if (importDeclaration?.type !== 'ImportDeclaration') return LOCAL;
  const typeOnly = importDeclaration.importKind === 'type' || (specifier.type === 'ImportSpecifier' && specifier.importKind === 'type');
  const source = importDeclaration.source.value;
  if (specifier.type === 'ImportDefaultSpecifier') return { kind: 'import', specifier: source, form: 'default', typeOnly };
  if (specifier.type === 'ImportNamespaceSpecifier') return { kind: 'import', specifier: source, form: 'namespace', typeOnly };
  const imported = specifier.imported.type === 'Identifier' ? specifier.imported.name : specifier.imported.value;
  return { kind: 'import', specifier: source, form: 'named', imported, typeOnly };
}

function declaratorOrigin(declarator: t.VariableDeclarator, identifier: t.Identifier): BindingOrigin {
  if (!declarator.init) return LOCAL;
  const init = unwrapExpression(declarator.init);
  if (declarator.id === identifier) {
    const whole = loadedModule(init);
    if (whole) return { kind: 'require', ...whole, form: 'whole', withDefault: false };
    // `const on = require('events').on`, `require('events')['on']`
    if (init.type === 'MemberExpression') {
      const member = memberName(init);
      const loaded = member === undefined ? undefined : loadedModule(init.object);
      if (loaded) return { kind: 'require', ...loaded, form: 'member', imported: member, withDefault: false };
    }
    return LOCAL;
  }
  if (declarator.id.type !== 'ObjectPattern') return LOCAL;
  const loaded = loadedModule(init);
  if (!loaded) return LOCAL;
  for (const property of declarator.id.properties) {
    if (property.type !== 'ObjectProperty' || property.computed) continue;
    const withDefault = property.value.type === 'AssignmentPattern';
    const value = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
    if (value !== identifier) continue;
    const imported = property.key.type === 'Identifier' ? property.key.name : staticString(property.key);
    return imported === undefined ? LOCAL : { kind: 'require', ...loaded, form: 'destructured', imported, withDefault };
  }
  return LOCAL;
}

/** `.name` or `['name']`: the property a member expression reads, when it is written out. */
function memberName(member: t.MemberExpression): string | undefined {
  if (!member.computed) return member.property.type === 'Identifier' ? member.property.name : undefined;
  return staticString(member.property);
}

/** `require('m')`, `import('m')`, `await import('m')` (through wrappers): the specifier and the loader. */
function loadedModule(node: Node): { specifier: string; loader: 'require' | 'dynamic-import' } | undefined {
  let n = unwrapExpression(node);
  if (n.type === 'AwaitExpression') n = unwrapExpression(n.argument);
  if (n.type === 'ImportExpression') {
    const specifier = staticString(n.source);
    return specifier === undefined ? undefined : { specifier, loader: 'dynamic-import' };
  }
  if (n.type !== 'CallExpression' || n.arguments.length !== 1) return undefined;
  const callee = unwrapExpression(n.callee);
  const loader = callee.type === 'Identifier' && callee.name === 'require' ? 'require' : callee.type === 'Import' ? 'dynamic-import' : undefined;
  const specifier = staticString(n.arguments[0]);
  return loader && specifier !== undefined ? { specifier, loader } : undefined;
}

/** A string written as a literal: `'m'`, or a template without expressions. */
function staticString(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}
