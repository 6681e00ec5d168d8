/**
 * React ownership: which functions are component or hook bodies, and which classes are React
 * class components. An interval either belongs to one of them (its owner is the component
 * instance: cleared on unmount, never supervised) or it does not.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { calleePath, isFunction, memberPath, unwrapExpression, type AstIndex, type Node } from './ast';
import type { ScopeAnalysis } from './scope';
import { descendants, outermostValue, type AnyClass } from './intervals';

const HOOK_NAME = /^use[A-Z0-9]/;
/** Calls that wrap a component: `memo(...)`, `forwardRef(...)`, MobX's `observer(...)` (also as `React.memo`). */
const COMPONENT_WRAPPERS = new Set(['memo', 'forwardRef', 'observer']);
const REACT_MODULES = new Set(['react', 'preact', 'preact/compat']);

/**
 * The component or hook whose body `node` is in, through nested functions (handlers, callbacks)
 * but not out of a class body.
 */
export function enclosingComponent(index: AstIndex, node: Node): t.Function | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (ancestor.type === 'ClassBody') return undefined;
    if (isFunction(ancestor) && isComponentBody(index, ancestor)) return ancestor;
  }
  return undefined;
}

/**
 * A component or hook body: a function named `useX`, wrapped in `memo`/`forwardRef`/`observer`
 * (anonymous ones too), calling hooks itself (so returning `null` alongside hooks counts), or
 * named `X` and rendering JSX.
 */
export function isComponentBody(index: AstIndex, fn: t.Function): boolean {
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod' || fn.type === 'ObjectMethod') return false;
  const name = ownName(index, fn);
  if (name && HOOK_NAME.test(name)) return true;
  const value = outermostValue(index, fn);
  const wrapper = index.parent(value);
  if (wrapper?.type === 'CallExpression' && wrapper.arguments.includes(value as t.Expression)) {
    const path = calleePath(wrapper)?.split('.');
    if (path && path.length <= 2 && COMPONENT_WRAPPERS.has(path[path.length - 1])) return true;
  }
  if (descendants(fn.body).some((n) => n.type === 'CallExpression' && index.enclosingFunction(n) === fn && isHookCall(n))) return true;
  return name !== undefined && /^[A-Z]/.test(name) && descendants(fn).some((n) => n.type === 'JSXElement' || n.type === 'JSXFragment');
}

/** `useState(...)`, `React.useRef(...)`. */
function isHookCall(call: t.CallExpression): boolean {
  const parts = calleePath(call)?.split('.');
  return parts !== undefined && parts.length <= 2 && HOOK_NAME.test(parts[parts.length - 1]);
}

/** `function Name() {}`, `const Name = () => ...`, `const Name = function () {}`. */
function ownName(index: AstIndex, fn: t.Function): string | undefined {
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return fn.id.name;
  const parent = index.parent(outermostValue(index, fn));
  return parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : undefined;
}

/**
 * A React class component: `extends Component` / `PureComponent` imported (or required) from
 * React, or `extends React.Component` / `React.PureComponent` on React's module object (or the
 * `React` global). A `Component` base class of the project's own (discord.js has one) is not React.
 */
export function isReactComponentClass(index: AstIndex, scope: ScopeAnalysis, cls: AnyClass): boolean {
  if (!cls.superClass) return false;
  const superClass = unwrapExpression(cls.superClass);
  const parts = memberPath(superClass)?.split('.');
  if (!parts || parts.length > 2 || (parts[parts.length - 1] !== 'Component' && parts[parts.length - 1] !== 'PureComponent')) return false;
  const root = superClass.type === 'MemberExpression' ? unwrapExpression(superClass.object) : superClass;
  if (root.type !== 'Identifier') return false;
  const binding = scope.resolve(root);
  if (!binding) return parts.length === 2 && root.name === 'React';
  const declaration = binding.declaration;
  const source = moduleOf(index, declaration);
  if (source === undefined || !REACT_MODULES.has(source)) return false;
  if (parts.length === 2) return declaration.type !== 'ImportSpecifier' && !(declaration.type === 'VariableDeclarator' && declaration.id.type === 'ObjectPattern');
  if (declaration.type === 'ImportSpecifier') {
    const imported = declaration.imported.type === 'Identifier' ? declaration.imported.name : declaration.imported.value;
    return imported === 'Component' || imported === 'PureComponent';
  }
  return declaration.type === 'VariableDeclarator' && declaration.id.type === 'ObjectPattern';
}

/** The module a binding's declaration imports or requires (`import x from 'm'`, `const x = require('m')`). */
function moduleOf(index: AstIndex, declaration: Node): string | undefined {
  if (declaration.type === 'ImportSpecifier' || declaration.type === 'ImportDefaultSpecifier' || declaration.type === 'ImportNamespaceSpecifier') {
    const parent = index.parent(declaration);
    return parent?.type === 'ImportDeclaration' ? parent.source.value : undefined;
  }
  if (declaration.type !== 'VariableDeclarator' || !declaration.init) return undefined;
  const init = unwrapExpression(declaration.init);
  if (init.type !== 'CallExpression' || init.callee.type !== 'Identifier' || init.callee.name !== 'require') return undefined;
  const [arg] = init.arguments;
  return arg?.type === 'StringLiteral' ? arg.value : undefined;
}
