/**
 * Analysis of `setInterval` sites for the supervise-intervals transform: what happens to the
 * handle (dropped, bound to a local, stored on a property, escaping), who owns the interval
 * (a React effect, a class instance with a disposal method, nobody), and what the callback is
 * (its name for reports, whether it is async and catches, whether it can be re-wrapped safely).
 *
 * Everything here only reads Babel node shapes, so it runs on the plain parse and on recast's.
 */
import type * as t from '@babel/types';
import { calleePath, isFunction, isValueWrapper, memberPath, staticKeyName, unwrapExpression, walk, type AstIndex, type Node } from './ast';
import type { Binding, ScopeAnalysis } from './scope';
import { GLOBAL_OBJECTS, TIMER_CLEARS } from './resources';

/** The outermost wrapper around `node` that still denotes the same value. */
export function outermostValue(index: AstIndex, node: Node): Node {
  let current = node;
  for (let parent = index.parent(current); parent && isValueWrapper(parent); parent = index.parent(current)) current = parent;
  return current;
}

/** `x.unref()` where `x` is `node` (through wrappers): the call, else undefined. */
export function unrefCallOn(index: AstIndex, node: Node): t.CallExpression | undefined {
  const value = outermostValue(index, node);
  const member = index.parent(value);
  if (!member || member.type !== 'MemberExpression' || member.object !== value || member.computed) return undefined;
  if (member.property.type !== 'Identifier' || member.property.name !== 'unref') return undefined;
  const call = index.parent(member);
  return call?.type === 'CallExpression' && call.callee === member && call.arguments.length === 0 ? call : undefined;
}

export type Escape = 'returned' | 'passed to a call' | 'stored in a collection' | 'exported' | 'assigned outside the function' | 'used in an expression';

/** What the code does with the handle `setInterval` returns. */
export type HandleUse =
  | { kind: 'dropped'; statement: t.ExpressionStatement }
  | { kind: 'local'; declarator: t.VariableDeclarator & { id: t.Identifier }; declaration: t.VariableDeclaration; binding: Binding }
  | { kind: 'reassigned'; binding: Binding }
  | { kind: 'property'; path: string; target: t.MemberExpression | t.ClassProperty | t.ClassPrivateProperty; statement?: t.ExpressionStatement }
  | { kind: 'escapes'; how: Escape };

/**
 * Classifies what happens to the value of `top` (the interval call, or its `.unref()` call).
 * `enclosing` is the function (or Program) the call is evaluated in.
 */
export function handleUse(index: AstIndex, scope: ScopeAnalysis, top: Node, enclosing: Node): HandleUse {
  const value = outermostValue(index, top);
  const parent = index.parent(value);
  if (!parent) return { kind: 'escapes', how: 'used in an expression' };
  switch (parent.type) {
    case 'ExpressionStatement':
      return { kind: 'dropped', statement: parent };
    case 'VariableDeclarator': {
      const declaration = index.parent(parent);
      if (parent.init !== value || parent.id.type !== 'Identifier' || declaration?.type !== 'VariableDeclaration') {
        return { kind: 'escapes', how: 'used in an expression' };
      }
      if (index.parent(declaration)?.type === 'ExportNamedDeclaration') return { kind: 'escapes', how: 'exported' };
      const binding = scope.declared(parent.id);
      if (!binding) return { kind: 'escapes', how: 'used in an expression' };
      if (binding.references.some((r) => r.write)) return { kind: 'reassigned', binding };
      return { kind: 'local', declarator: parent as t.VariableDeclarator & { id: t.Identifier }, declaration, binding };
    }
    case 'AssignmentExpression': {
      if (parent.right !== value || parent.operator !== '=') return { kind: 'escapes', how: 'used in an expression' };
      const holder = index.parent(parent);
      const statement = holder?.type === 'ExpressionStatement' ? holder : undefined;
      const left = unwrapExpression(parent.left);
      if (left.type === 'MemberExpression') {
        const path = memberPath(left);
        if (!path || !statement) return { kind: 'escapes', how: 'used in an expression' };
        if (/^(module\.)?exports\./.test(path)) return { kind: 'escapes', how: 'exported' };
        return { kind: 'property', path, target: left, statement };
      }
      if (left.type !== 'Identifier' || !statement) return { kind: 'escapes', how: 'used in an expression' };
      const binding = scope.resolve(left);
      if (!binding || functionOfScope(binding.scope.node, index) !== enclosing) return { kind: 'escapes', how: 'assigned outside the function' };
      return { kind: 'reassigned', binding };
    }
    case 'ClassProperty':
    case 'ClassPrivateProperty': {
      if (parent.value !== value || parent.static) return { kind: 'escapes', how: 'used in an expression' };
      const name = staticKeyName(parent.key, parent.type === 'ClassProperty' && parent.computed);
      if (!name || (parent.type === 'ClassProperty' && parent.computed)) return { kind: 'escapes', how: 'used in an expression' };
      return { kind: 'property', path: `this.${name}`, target: parent };
    }
    case 'ReturnStatement':
    case 'ArrowFunctionExpression':
      return { kind: 'escapes', how: 'returned' };
    case 'CallExpression':
    case 'NewExpression':
    case 'OptionalCallExpression':
      return { kind: 'escapes', how: 'passed to a call' };
    case 'ArrayExpression':
    case 'ObjectProperty':
    case 'SpreadElement':
      return { kind: 'escapes', how: 'stored in a collection' };
    case 'ExportDefaultDeclaration':
      return { kind: 'escapes', how: 'exported' };
    default:
      return { kind: 'escapes', how: 'used in an expression' };
  }
}

/** The function (or Program) whose body a scope node belongs to. */
function functionOfScope(node: Node, index: AstIndex): Node {
  if (isFunction(node) || node.type === 'Program') return node;
  return index.enclosingFunction(node) ?? node;
}

/** How one read of a local handle uses it. */
export type HandleRead =
  | { kind: 'clear'; call: t.CallExpression }
  | { kind: 'unref'; call: t.CallExpression }
  | { kind: 'escape'; how: Escape }
  | { kind: 'read' };

export function classifyRead(index: AstIndex, identifier: Node, isGlobal: (name: string, at: Node) => boolean): HandleRead {
  const value = outermostValue(index, identifier);
  const parent = index.parent(value);
  if (!parent) return { kind: 'read' };
  const clear = clearCallOf(parent, isGlobal);
  if (clear && clear.arguments[0] === value) return { kind: 'clear', call: clear };
  const unref = unrefCallOn(index, identifier);
  if (unref) return { kind: 'unref', call: unref };
  switch (parent.type) {
    case 'ReturnStatement':
    case 'ArrowFunctionExpression':
      return { kind: 'escape', how: 'returned' };
    case 'CallExpression':
    case 'NewExpression':
    case 'OptionalCallExpression':
      return parent.callee === value ? { kind: 'read' } : { kind: 'escape', how: 'passed to a call' };
    case 'ArrayExpression':
    case 'ObjectProperty':
    case 'SpreadElement':
      return { kind: 'escape', how: 'stored in a collection' };
    case 'ExportSpecifier':
    case 'ExportDefaultDeclaration':
      return { kind: 'escape', how: 'exported' };
    case 'AssignmentExpression':
      return unwrapExpression(parent.left).type === 'Identifier' ? { kind: 'read' } : { kind: 'escape', how: 'stored in a collection' };
    default:
      return { kind: 'read' };
  }
}

/** `clearInterval(x)` / `clearTimeout(x)` with the global function, else undefined. */
function clearCallOf(node: Node, isGlobal: (name: string, at: Node) => boolean): t.CallExpression | undefined {
  if (node.type !== 'CallExpression' || node.arguments.length !== 1) return undefined;
  const path = calleePath(node);
  if (!path) return undefined;
  const parts = path.split('.');
  const name = parts[parts.length - 1];
  if (name !== TIMER_CLEARS.setInterval && name !== TIMER_CLEARS.setTimeout) return undefined;
  if (parts.length === 1) return isGlobal(name, node.callee) ? node : undefined;
  if (parts.length === 2 && GLOBAL_OBJECTS.has(parts[0])) return node;
  return undefined;
}

/** True when some clear call inside `root` clears the handle at `path` (`this.timer`). */
export function clearsPath(root: Node, path: string, isGlobal: (name: string, at: Node) => boolean): boolean {
  return descendants(root).some((node) => {
    const clear = clearCallOf(node, isGlobal);
    return clear !== undefined && memberPath(clear.arguments[0]) === path;
  });
}

/** Every node under `root` (root included), in source order. */
export function descendants(root: Node): Node[] {
  const out: Node[] = [];
  walk(root, (node) => {
    out.push(node);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Owners: React effects and classes.

export interface EffectOwner {
  hook: t.CallExpression;
  callback: t.ArrowFunctionExpression | t.FunctionExpression;
}

/** The effect whose callback is exactly `fn` (`useEffect(() => {...}, deps)`), if any. */
export function effectOf(index: AstIndex, fn: Node, hooks: readonly string[]): EffectOwner | undefined {
  if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return undefined;
  const call = index.parent(outermostValue(index, fn));
  if (call?.type !== 'CallExpression' || unwrapExpression(call.arguments[0] ?? call) !== fn) return undefined;
  const path = calleePath(call);
  if (!path) return undefined;
  const parts = path.split('.');
  if (parts.length > 2 || !hooks.includes(parts[parts.length - 1])) return undefined;
  return { hook: call, callback: fn };
}

/** The innermost enclosing effect callback of `node`, crossing other functions. */
export function enclosingEffect(index: AstIndex, node: Node, hooks: readonly string[]): EffectOwner | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (!isFunction(ancestor)) continue;
    const effect = effectOf(index, ancestor, hooks);
    if (effect) return effect;
  }
  return undefined;
}

/** Return statements of a function's own body (not of nested functions). */
export function ownReturns(index: AstIndex, fn: t.Function): t.ReturnStatement[] {
  return descendants(fn.body).filter(
    (node): node is t.ReturnStatement => node.type === 'ReturnStatement' && index.enclosingFunction(node) === fn,
  );
}

export type AnyClass = t.ClassDeclaration | t.ClassExpression;
export type ClassMember = t.ClassBody['body'][number];

export interface ClassOwner {
  cls: AnyClass;
  /** The member whose code creates the interval (method or field initialiser). */
  member: ClassMember;
}

/**
 * The class whose instance `this` means at `node`: walking out through arrow functions to the
 * first non-arrow function, which must be an instance method or constructor; or to an instance
 * field's initialiser.
 */
export function instanceOwner(index: AstIndex, node: Node): ClassOwner | undefined {
  let previous: Node = node;
  for (const ancestor of index.ancestors(node)) {
    if ((ancestor.type === 'ClassProperty' || ancestor.type === 'ClassPrivateProperty') && ancestor.value === previous) {
      if (ancestor.static) return undefined;
      return classOfMember(index, ancestor);
    }
    if (isFunction(ancestor) && ancestor.type !== 'ArrowFunctionExpression') {
      if ((ancestor.type === 'ClassMethod' || ancestor.type === 'ClassPrivateMethod') && !ancestor.static) return classOfMember(index, ancestor);
      return undefined;
    }
    if (ancestor.type === 'StaticBlock') return undefined;
    previous = ancestor;
  }
  return undefined;
}

function classOfMember(index: AstIndex, member: ClassMember): ClassOwner | undefined {
  const body = index.parent(member);
  const cls = body ? index.parent(body) : undefined;
  if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return undefined;
  return { cls, member };
}

export type MethodMember = t.ClassMethod | t.ClassPrivateMethod;

/** An instance method, or an instance field holding a function with a block body (`close = () => {...}`). */
export interface InstanceFunction {
  member: ClassMember;
  fn: (MethodMember | t.ArrowFunctionExpression | t.FunctionExpression) & { body: t.BlockStatement };
  name: string;
}

function instanceFunctions(cls: AnyClass): InstanceFunction[] {
  const out: InstanceFunction[] = [];
  for (const member of cls.body.body) {
    const name = memberName(member);
    if (!name) continue;
    if ((member.type === 'ClassMethod' || member.type === 'ClassPrivateMethod') && member.kind === 'method' && !member.static) {
      out.push({ member, fn: member, name });
    } else if ((member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty') && !member.static && member.value) {
      const value = unwrapExpression(member.value);
      if ((value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') && value.body.type === 'BlockStatement') {
        out.push({ member, fn: value as InstanceFunction['fn'], name });
      }
    }
  }
  return out;
}

/** The class's disposal method: the first name of `names` (in order) the class defines. */
export function disposalMethod(cls: AnyClass, names: readonly string[]): InstanceFunction | undefined {
  const functions = instanceFunctions(cls);
  for (const name of names) {
    const found = functions.find((f) => f.name === name);
    if (found) return found;
  }
  return undefined;
}

export function memberName(member: ClassMember): string | undefined {
  if (!('key' in member)) return undefined;
  const computed = 'computed' in member ? member.computed === true : false;
  return staticKeyName(member.key, computed);
}

/**
 * True when `disposal` clears `this.<path>`, itself or through `this.other()` calls to functions
 * of the same class (`close() { this.stopPolling(); }`).
 */
export function methodClears(cls: AnyClass, disposal: InstanceFunction, path: string, isGlobal: (name: string, at: Node) => boolean): boolean {
  const functions = instanceFunctions(cls);
  const seen = new Set<Node>();
  const visit = (f: InstanceFunction): boolean => {
    if (seen.has(f.fn)) return false;
    seen.add(f.fn);
    if (clearsPath(f.fn.body, path, isGlobal)) return true;
    for (const node of descendants(f.fn.body)) {
      if (node.type !== 'CallExpression') continue;
      const called = calleePath(node);
      if (!called?.startsWith('this.') || called.split('.').length !== 2) continue;
      const target = functions.find((other) => other.name === called.slice(5));
      if (target && visit(target)) return true;
    }
    return false;
  };
  return visit(disposal);
}

/** Names of the class's members and of every `this.x` it uses, so a new field never collides. */
export function classMemberNames(cls: AnyClass): Set<string> {
  const names = new Set<string>();
  for (const member of cls.body.body) {
    const name = memberName(member);
    if (name) names.add(name.replace(/^#/, ''));
  }
  for (const node of descendants(cls)) {
    if (node.type === 'MemberExpression' && node.object.type === 'ThisExpression') {
      const path = memberPath(node);
      if (path) names.add(path.split('.')[1].replace(/^#/, ''));
    }
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Callbacks.

/** Every Babel function node (the same union as `t.Function`, which `isFunction` narrows to). */
type FunctionLike = t.Function;

/**
 * The function a declared name refers to: `function tick() {}`, the name of a named function
 * expression inside itself (`setTimeout(function tick() { ... }, ms)`), or
 * `const tick = () => {}`. A parameter's binding also has its function as `declaration`, but
 * names some unknown value: only a binding whose identifier is the function's own name, or the
 * declarator's whole id, counts.
 */
function functionOfBinding(binding: Binding | undefined): FunctionLike | undefined {
  if (!binding) return undefined;
  const { declaration, identifier } = binding;
  if (binding.kind === 'function' && (declaration.type === 'FunctionDeclaration' || declaration.type === 'FunctionExpression')) {
    return declaration.id === identifier ? declaration : undefined;
  }
  if (declaration.type === 'VariableDeclarator' && declaration.id === identifier && declaration.init) {
    const init = unwrapExpression(declaration.init);
    if (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression') return init;
  }
  return undefined;
}

/** True when a name is never reassigned after its declaration, so reading it later gives the same value. */
export function isStableBinding(binding: Binding | undefined): boolean {
  if (!binding) return false;
  if (binding.references.some((r) => r.write)) return false;
  return ['const', 'let', 'var', 'param', 'function', 'class', 'import'].includes(binding.kind);
}

/** The call an inline callback is made of: `() => poll()`, `async () => { await this.flush(); }`. */
function soleCall(fn: Node): t.CallExpression | undefined {
  if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return undefined;
  let expression: Node | null | undefined;
  if (fn.body.type !== 'BlockStatement') expression = fn.body;
  else if (fn.body.body.length === 1) {
    const only = fn.body.body[0];
    if (only.type === 'ExpressionStatement') expression = only.expression;
    else if (only.type === 'ReturnStatement') expression = only.argument;
  }
  if (!expression) return undefined;
  let e = unwrapExpression(expression);
  while (e.type === 'AwaitExpression' || (e.type === 'UnaryExpression' && e.operator === 'void')) e = unwrapExpression(e.argument);
  return e.type === 'CallExpression' ? e : undefined;
}

/** The function `callback` ends up running, when it can be found in this file. */
export function targetFunction(index: AstIndex, scope: ScopeAnalysis, callback: Node, owner: ClassOwner | undefined): FunctionLike | undefined {
  const cb = unwrapExpression(callback);
  if (cb.type === 'Identifier') return functionOfBinding(scope.resolve(cb));
  if (cb.type === 'CallExpression' && cb.callee.type === 'MemberExpression' && memberPath(cb.callee)?.endsWith('.bind')) {
    return targetFunction(index, scope, cb.callee.object, owner);
  }
  if (cb.type === 'MemberExpression' && owner) {
    const path = memberPath(cb);
    if (path?.startsWith('this.') && path.split('.').length === 2) {
      return instanceFunctions(owner.cls).find((f) => f.name === path.slice(5))?.fn;
    }
    return undefined;
  }
  if (cb.type === 'ArrowFunctionExpression' || cb.type === 'FunctionExpression') {
    if (cb.async) return cb;
    const call = soleCall(cb);
    return call ? (targetFunction(index, scope, call.callee, owner) ?? cb) : cb;
  }
  return undefined;
}

/** An async function whose failures nothing catches: its body is not wholly inside try/catch. */
export function isUnhandledAsync(fn: FunctionLike): boolean {
  if (!fn.async) return false;
  if (fn.body.type !== 'BlockStatement') return !endsInCatch(fn.body);
  const statements = fn.body.body;
  if (statements.length === 0) return false;
  return !statements.every((s) => {
    if (s.type === 'TryStatement') return s.handler !== null && s.handler !== undefined;
    if (s.type === 'ExpressionStatement') return endsInCatch(s.expression) || isSynchronousHarmless(s.expression);
    if (s.type === 'ReturnStatement') return !s.argument || endsInCatch(s.argument);
    return false;
  });
}

function endsInCatch(expression: Node): boolean {
  let e = unwrapExpression(expression);
  if (e.type === 'AwaitExpression') e = unwrapExpression(e.argument);
  if (e.type !== 'CallExpression') return false;
  const path = calleePath(e);
  if (path?.endsWith('.catch')) return true;
  const callee = unwrapExpression(e.callee);
  return callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'catch';
}

/** Plain assignments of literals cannot throw; anything else may. */
function isSynchronousHarmless(expression: Node): boolean {
  const e = unwrapExpression(expression);
  return e.type === 'AssignmentExpression' && ['NumericLiteral', 'StringLiteral', 'BooleanLiteral', 'NullLiteral'].includes(e.right.type);
}

/** True when a non-arrow function body uses `this` or `arguments` (what setInterval gives it would change). */
export function usesOwnThisOrArguments(index: AstIndex, fn: t.FunctionExpression): boolean {
  return descendants(fn.body).some((node) => {
    if (node.type !== 'ThisExpression' && !(node.type === 'Identifier' && node.name === 'arguments')) return false;
    for (const ancestor of index.ancestors(node)) {
      if (ancestor === fn) return true;
      if (isFunction(ancestor) && ancestor.type !== 'ArrowFunctionExpression') return false;
    }
    return false;
  });
}

/** The name of the nearest named function around `node`: declaration, method, or `const f = () => ...`. */
export function enclosingFunctionName(index: AstIndex, node: Node): string | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (!isFunction(ancestor)) continue;
    if ((ancestor.type === 'FunctionDeclaration' || ancestor.type === 'FunctionExpression') && ancestor.id) return ancestor.id.name;
    if (ancestor.type === 'ClassMethod' || ancestor.type === 'ClassPrivateMethod' || ancestor.type === 'ObjectMethod') {
      const name = memberName(ancestor as ClassMember);
      if (name && ancestor.kind !== 'constructor') return name.replace(/^#/, '');
    }
    const parent = index.parent(outermostValue(index, ancestor));
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if (parent?.type === 'ObjectProperty' && parent.key.type === 'Identifier') return parent.key.name;
    if ((parent?.type === 'ClassProperty' || parent?.type === 'ClassPrivateProperty') && memberName(parent)) return memberName(parent)!.replace(/^#/, '');
  }
  return undefined;
}

/**
 * A name for the interval's work, for logs and reports: the callback's own name, the function it
 * calls, or the enclosing function's name.
 */
export function taskName(index: AstIndex, callback: Node, call: Node): string | undefined {
  const cb = unwrapExpression(callback);
  if (cb.type === 'Identifier') return cb.name;
  if (cb.type === 'FunctionExpression' && cb.id) return cb.id.name;
  if (cb.type === 'CallExpression' && cb.callee.type === 'MemberExpression') {
    const path = memberPath(cb.callee);
    if (path?.endsWith('.bind')) return stripThis(path.slice(0, -'.bind'.length));
  }
  if (cb.type === 'MemberExpression') {
    const path = memberPath(cb);
    if (path) return stripThis(path);
  }
  const sole = soleCall(cb);
  if (sole) {
    const path = calleePath(sole);
    if (path) return stripThis(path);
  }
  return enclosingFunctionName(index, call);
}

function stripThis(path: string): string {
  return path.replace(/^this\./, '').replace(/#/g, '');
}

// ---------------------------------------------------------------------------------------------
// Supervised tasks: calls of the runtime's `supervise`.

/** `require('<specifier>')`, or `await import('<specifier>')`, through wrappers. */
function loadsModule(node: Node, specifier: string): boolean {
  let n = unwrapExpression(node);
  if (n.type === 'AwaitExpression') n = unwrapExpression(n.argument);
  if (n.type === 'ImportExpression') return n.source.type === 'StringLiteral' && n.source.value === specifier;
  if (n.type !== 'CallExpression') return false;
  const callee = unwrapExpression(n.callee);
  const isLoader = (callee.type === 'Identifier' && callee.name === 'require') || callee.type === 'Import';
  const [arg] = n.arguments;
  return isLoader && n.arguments.length === 1 && arg.type === 'StringLiteral' && arg.value === specifier;
}

/**
 * What a binding holds of module `specifier`: `'*'` for the module object (namespace import,
 * `const lf = require(...)`), the export's name for a named import or destructured require
 * (`import { supervise as sv }`, `const { supervise: sv } = require(...)`), else undefined.
 */
function moduleExportOf(index: AstIndex, binding: Binding, specifier: string): string | undefined {
  const declaration = binding.declaration;
  switch (declaration.type) {
    // A default import is not the module object: the runtime has no default export.
    case 'ImportSpecifier':
    case 'ImportNamespaceSpecifier': {
      const importDeclaration = index.parent(declaration);
      if (importDeclaration?.type !== 'ImportDeclaration' || importDeclaration.source.value !== specifier) return undefined;
      if (importDeclaration.importKind === 'type' || (declaration.type === 'ImportSpecifier' && declaration.importKind === 'type')) return undefined;
      if (declaration.type === 'ImportNamespaceSpecifier') return '*';
      return declaration.imported.type === 'Identifier' ? declaration.imported.name : declaration.imported.value;
    }
    case 'TSImportEqualsDeclaration': {
      const reference = declaration.moduleReference;
      return reference.type === 'TSExternalModuleReference' && reference.expression.value === specifier ? '*' : undefined;
    }
    case 'VariableDeclarator': {
      if (!declaration.init) return undefined;
      const init = unwrapExpression(declaration.init);
      if (declaration.id === binding.identifier) {
        if (loadsModule(init, specifier)) return '*';
        // `const supervise = require('<specifier>').supervise`
        if (init.type === 'MemberExpression' && !init.computed && init.property.type === 'Identifier' && loadsModule(init.object, specifier)) {
          return init.property.name;
        }
        return undefined;
      }
      if (declaration.id.type !== 'ObjectPattern' || !loadsModule(init, specifier)) return undefined;
      for (const property of declaration.id.properties) {
        if (property.type !== 'ObjectProperty' || property.computed) continue;
        const value = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
        if (value !== binding.identifier) continue;
        if (property.key.type === 'Identifier') return property.key.name;
        if (property.key.type === 'StringLiteral') return property.key.value;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * True when `call` calls export `name` of the runtime module `specifier`: `supervise(...)` as
 * imported or required (aliases included), or `lf.supervise(...)` on the module object.
 */
export function callsModuleExport(index: AstIndex, scope: ScopeAnalysis, call: t.CallExpression, specifier: string, name: string): boolean {
  const callee = unwrapExpression(call.callee);
  if (callee.type === 'Identifier') {
    const binding = scope.resolve(callee);
    return binding !== undefined && moduleExportOf(index, binding, specifier) === name;
  }
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  const property = callee.property;
  const key = callee.computed ? (property.type === 'StringLiteral' ? property.value : undefined) : property.type === 'Identifier' ? property.name : undefined;
  if (key !== name) return false;
  const object = unwrapExpression(callee.object);
  if (object.type !== 'Identifier') return false;
  const binding = scope.resolve(object);
  return binding !== undefined && moduleExportOf(index, binding, specifier) === '*';
}
