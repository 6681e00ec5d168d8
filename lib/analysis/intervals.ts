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
import { bindingOrigin } from './origins';

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
  /** `let t; ... t = setInterval(...)`: declared without a value, assigned only here. */
  | { kind: 'assigned'; binding: Binding; statement: t.ExpressionStatement }
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
      if (isAssignedOnlyBy(binding, left)) return { kind: 'assigned', binding, statement };
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

/** `let t;` (no value) whose only write is `target`: the handle is assigned once, apart from its declaration. */
function isAssignedOnlyBy(binding: Binding, target: Node): boolean {
  if (binding.kind !== 'let' && binding.kind !== 'var') return false;
  const declarator = binding.declaration;
  if (declarator.type !== 'VariableDeclarator' || declarator.id !== binding.identifier || declarator.init) return false;
  const writes = binding.references.filter((r) => r.write);
  return writes.length === 1 && writes[0].identifier === target;
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
  /** A truthiness test (`if (t)`, `t && ...`, `!t`, `t ? a : b`): it neither keeps nor passes the handle on. */
  | { kind: 'test' }
  | { kind: 'read' };

/** True when every read only clears, unrefs or tests the handle, and at least one clears it. */
export function onlyClears(reads: readonly HandleRead[]): boolean {
  return reads.some((r) => r.kind === 'clear') && reads.every((r) => r.kind === 'clear' || r.kind === 'unref' || r.kind === 'test');
}

export function classifyRead(index: AstIndex, identifier: Node, isGlobal: (name: string, at: Node) => boolean): HandleRead {
  const value = outermostValue(index, identifier);
  const parent = index.parent(value);
  if (!parent) return { kind: 'read' };
  const clear = clearCallOf(parent, isGlobal);
  if (clear && clear.arguments[0] === value) return { kind: 'clear', call: clear };
  const unref = unrefCallOn(index, identifier);
  if (unref) return { kind: 'unref', call: unref };
  if (
    ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression' || parent.type === 'WhileStatement') && parent.test === value) ||
    (parent.type === 'LogicalExpression' && parent.operator === '&&' && isTestPosition(index, parent)) ||
    (parent.type === 'UnaryExpression' && parent.operator === '!')
  ) {
    return { kind: 'test' };
  }
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

/** `a && b` whose value only decides something: a statement of its own, or an if/ternary test (`if (t && x)`). */
function isTestPosition(index: AstIndex, logical: Node): boolean {
  const parent = index.parent(logical);
  if (!parent) return false;
  if (parent.type === 'ExpressionStatement') return true;
  if ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') && parent.test === logical) return true;
  return parent.type === 'LogicalExpression' && parent.operator === '&&' && isTestPosition(index, parent);
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

/**
 * The returns of `fn` that can run after `statement`, and whether `fn` can end without one:
 * the statements after it in its block and in each enclosing block (through `if`), up to the
 * first plain `return`/`throw`. Undefined when a loop, `try`, `switch` or label is in between.
 */
export function exitsAfter(index: AstIndex, fn: t.Function, statement: Node): { returns: t.ReturnStatement[]; fallsOff: boolean } | undefined {
  const returns: t.ReturnStatement[] = [];
  let current = statement;
  for (;;) {
    const parent = index.parent(current);
    if (!parent) return undefined;
    if (parent.type === 'IfStatement') {
      current = parent;
      continue;
    }
    if (parent.type !== 'BlockStatement') return undefined;
    const list = parent.body;
    for (const next of list.slice(list.indexOf(current as t.Statement) + 1)) {
      for (const node of descendants(next)) {
        if (node.type === 'ReturnStatement' && index.enclosingFunction(node) === fn) returns.push(node);
      }
      if (next.type === 'ReturnStatement' || next.type === 'ThrowStatement') return { returns, fallsOff: false };
    }
    if (parent === fn.body) return { returns, fallsOff: true };
    current = parent;
  }
}

/**
 * The function a `return` hands back as the effect's cleanup: an inline function, or a name bound
 * once to one (`const cleanup = () => clearInterval(id); return cleanup;`).
 */
export function returnedFunction(scope: ScopeAnalysis, ret: t.ReturnStatement): t.Function | undefined {
  if (!ret.argument) return undefined;
  const argument = unwrapExpression(ret.argument);
  if (argument.type === 'ArrowFunctionExpression' || argument.type === 'FunctionExpression') return argument;
  if (argument.type !== 'Identifier') return undefined;
  const binding = scope.resolve(argument);
  if (!binding || !isStableBinding(binding)) return undefined;
  return functionOfBinding(binding);
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
 * The name a callback carries itself: a name (`tick`), a named function (`function flush() {}`),
 * a bound or plain method reference (`this.tick.bind(this)`, `this.tick` -> `tick`).
 */
function callbackOwnName(cb: Node): string | undefined {
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
  return undefined;
}

/**
 * A name for the interval's work, for logs and reports: the callback's own name, the function it
 * calls, or the enclosing function's name.
 */
export function taskName(index: AstIndex, callback: Node, call: Node): string | undefined {
  const cb = unwrapExpression(callback);
  const own = callbackOwnName(cb);
  if (own !== undefined) return own;
  const sole = soleCall(cb);
  if (sole) {
    const path = calleePath(sole);
    if (path) return stripThis(path);
  }
  return enclosingFunctionName(index, call);
}

/** Methods of built-in values: a call of one names the container, not the work (`callbacks.forEach`). */
const BUILTIN_METHODS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'some', 'every', 'find', 'push', 'pop', 'shift', 'unshift', 'splice', 'slice', 'concat',
  'join', 'sort', 'includes', 'indexOf', 'keys', 'values', 'entries', 'get', 'set', 'has', 'delete', 'clear', 'add',
  'then', 'catch', 'finally', 'call', 'apply', 'bind', 'toString', 'emit', 'log', 'info', 'warn', 'error', 'debug',
]);

/** The name of the class that declares `member`: `class Worker {}`, `const Worker = class {}`. */
function classNameOf(index: AstIndex, member: Node): string | undefined {
  const body = index.parent(member);
  const cls = body ? index.parent(body) : undefined;
  if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return undefined;
  if (cls.id) return cls.id.name;
  const holder = index.parent(outermostValue(index, cls));
  return holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name : undefined;
}

/** The enclosing function's name for a task: `Worker.versionCheck` for a method, else the function's name. */
export function enclosingTaskName(index: AstIndex, node: Node): string | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (!isFunction(ancestor)) continue;
    if (ancestor.type === 'ClassMethod' || ancestor.type === 'ClassPrivateMethod') {
      const name = memberName(ancestor as ClassMember)?.replace(/^#/, '');
      const cls = classNameOf(index, ancestor);
      if (ancestor.kind === 'constructor') {
        if (cls) return cls;
        continue;
      }
      if (name) return cls ? `${cls}.${name}` : name;
      continue;
    }
    const parent = index.parent(outermostValue(index, ancestor));
    if ((parent?.type === 'ClassProperty' || parent?.type === 'ClassPrivateProperty') && memberName(parent)) {
      const name = memberName(parent)!.replace(/^#/, '');
      const cls = classNameOf(index, parent);
      return cls ? `${cls}.${name}` : name;
    }
    if ((ancestor.type === 'FunctionExpression' || ancestor.type === 'FunctionDeclaration') && ancestor.id) return ancestor.id.name;
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if (parent?.type === 'ObjectProperty' && parent.key.type === 'Identifier') return parent.key.name;
    if (ancestor.type === 'ObjectMethod' && ancestor.key.type === 'Identifier') return ancestor.key.name;
  }
  return undefined;
}

/**
 * The name of a supervised task, as a reviewer reads it in logs: the callback's own name (`push`,
 * `function flush() {}`, `this.tick.bind(this)`), the function of this code a one-call callback
 * calls (`() => this.cache.refresh()` -> `cache.refresh`; never a global's method like
 * `console.log`), the enclosing function or method (`Worker.versionCheck`), the container a
 * built-in method is called on (`callbacks.forEach(...)` -> `callbacks`). Never the file's name:
 * undefined when none of these exists.
 */
export function superviseTaskName(index: AstIndex, scope: ScopeAnalysis, callback: Node, call: Node): string | undefined {
  const cb = unwrapExpression(callback);
  const own = callbackOwnName(cb);
  if (own !== undefined) return own;
  const sole = soleCall(cb);
  const path = sole ? calleePath(sole) : undefined;
  let container: string | undefined;
  if (sole && path) {
    const parts = path.split('.');
    const root = unwrapExpression(rootObject(sole.callee));
    const local = root.type === 'ThisExpression' || (root.type === 'Identifier' && scope.resolve(root) !== undefined);
    if (local && (parts.length === 1 || !BUILTIN_METHODS.has(parts[parts.length - 1]))) return stripThis(path);
    if (local && parts.length > 1) container = stripThis(parts.slice(0, -1).join('.'));
  }
  return enclosingTaskName(index, call) ?? (container && container !== 'this' ? container : undefined);
}

function rootObject(node: Node): Node {
  let n = unwrapExpression(node);
  while (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') n = unwrapExpression(n.object);
  return n;
}

function stripThis(path: string): string {
  return path.replace(/^this\./, '').replace(/#/g, '');
}

// ---------------------------------------------------------------------------------------------
// Supervised tasks: calls of the runtime's `supervise`.

/**
 * What a binding holds of module `specifier`: `'*'` for the module object (namespace import,
 * `const lf = require(...)`, `import lf = require(...)`), the export's name for a named import,
 * a destructured require or one required member (`import { supervise as sv }`,
 * `const { supervise: sv } = require(...)`, `require(...).supervise`), else undefined. A default
 * import is not the module object: the runtime has no default export. Type-only imports hold nothing.
 */
function moduleExportOf(index: AstIndex, binding: Binding, specifier: string): string | undefined {
  const origin = bindingOrigin(index, binding);
  if (origin.kind === 'local' || origin.specifier !== specifier) return undefined;
  if (origin.kind === 'import') {
    if (origin.typeOnly || origin.form === 'default') return undefined;
    return origin.form === 'namespace' ? '*' : origin.imported;
  }
  return origin.form === 'whole' ? '*' : origin.imported;
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
