/**
 * End of life: is a class's disposal method the last thing that happens to an instance? A method
 * the class hierarchy of the module calls mid-life (`reconnect() { this.disconnect(); ... }`) is
 * not, unless the caller starts the interval again after the call.
 *
 * Only Babel node shapes are read, so this runs on the plain parse and on recast's.
 */
import { builtinModules } from 'node:module';
import type * as t from '@babel/types';
import { isFunction, staticKeyName, unwrapExpression, type AstIndex, type Node } from './ast';
import type { ScopeAnalysis } from './scope';
import { descendants, memberName, type AnyClass } from './intervals';
import { identifierOrigin } from './origins';

/** The class a `extends X` clause names, when X is a class of this file. */
function superClassOf(scope: ScopeAnalysis, cls: AnyClass): AnyClass | undefined {
  const superClass = cls.superClass ? unwrapExpression(cls.superClass) : undefined;
  if (superClass?.type !== 'Identifier') return undefined;
  const binding = scope.resolve(superClass);
  const declaration = binding?.declaration;
  if (declaration?.type === 'ClassDeclaration') return declaration;
  if (declaration?.type === 'VariableDeclarator' && declaration.init) {
    const init = unwrapExpression(declaration.init);
    if (init.type === 'ClassExpression') return init;
  }
  return undefined;
}

/** `cls`, its base classes of this module and its subclasses in this module. */
export function classHierarchy(index: AstIndex, scope: ScopeAnalysis, cls: AnyClass): AnyClass[] {
  const out = new Set<AnyClass>([cls]);
  for (let base = superClassOf(scope, cls); base && !out.has(base); base = superClassOf(scope, base)) out.add(base);
  const all: AnyClass[] = [...index.ofType('ClassDeclaration'), ...index.ofType('ClassExpression')];
  const descends = (c: AnyClass, seen = new Set<AnyClass>()): boolean => {
    const base = superClassOf(scope, c);
    if (!base || seen.has(base)) return false;
    seen.add(base);
    return base === cls || descends(base, seen);
  };
  for (const c of all) if (descends(c)) out.add(c);
  return [...out];
}

/** Base classes from these modules are trusted not to call the app's own disposal methods. */
const TRUSTED_BASE_MODULES = new Set(['eventemitter2', 'eventemitter3', 'events', 'emittery', 'tiny-emitter']);

function isTrustedModule(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier) || TRUSTED_BASE_MODULES.has(specifier);
}

/**
 * A base class of the hierarchy whose code leakfix cannot read: a class of another module of the
 * project (`extends Transporter` with `Transporter = require('./Transporter')`, a path alias, a
 * workspace package), a mixin (`extends mixin(Base)`), `extends require('./Base')`. Its methods run
 * on the same instance and may call the disposal method mid-life. Trusted: Node's own classes
 * (`EventEmitter` from 'events', `stream.Writable`), well-known emitter packages, and globals
 * (`EventTarget`, `Error`). Undefined when every base is a class of this file or trusted.
 */
function unseenBase(index: AstIndex, scope: ScopeAnalysis, hierarchy: readonly AnyClass[]): string | undefined {
  for (const cls of hierarchy) {
    if (!cls.superClass || superClassOf(scope, cls)) continue;
    let root = unwrapExpression(cls.superClass);
    while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = unwrapExpression(root.object);
    if (root.type === 'CallExpression') {
      const [first] = root.arguments;
      const required = root.callee.type === 'Identifier' && root.callee.name === 'require' && first?.type === 'StringLiteral' ? first.value : undefined;
      if (required !== undefined && isTrustedModule(required)) continue;
      return required !== undefined ? `require('${required}')` : 'a class computed by a call (a mixin)';
    }
    if (root.type !== 'Identifier') return 'a computed class';
    const origin = identifierOrigin(index, scope, root);
    if (origin === undefined) continue; // A global: EventTarget, Error.
    if (origin.kind === 'local') return `${root.name}, which is not a class of this file`;
    if (!isTrustedModule(origin.specifier)) return `${root.name} from '${origin.specifier}'`;
  }
  return undefined;
}

/** Every instance method, constructor, accessor and function-valued field of a class, by name. */
function instanceCode(cls: AnyClass): Array<{ name: string; fn: Node }> {
  const out: Array<{ name: string; fn: Node }> = [];
  for (const member of cls.body.body) {
    const name = memberName(member);
    if (!name) continue;
    if ((member.type === 'ClassMethod' || member.type === 'ClassPrivateMethod') && !member.static) out.push({ name, fn: member });
    else if ((member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty') && !member.static && member.value) {
      const value = unwrapExpression(member.value);
      if (isFunction(value)) out.push({ name, fn: value });
    }
  }
  return out;
}

/** Calls `this.<name>(...)` / `super.<name>(...)` inside `root` where `this` is the instance (not inside a nested `function`). */
function selfCalls(index: AstIndex, root: Node, name?: string): t.CallExpression[] {
  const out: t.CallExpression[] = [];
  for (const node of descendants(root)) {
    if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') continue;
    const callee = unwrapExpression(node.callee);
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') continue;
    const object = unwrapExpression(callee.object);
    if (object.type !== 'ThisExpression' && object.type !== 'Super') continue;
    const key = staticKeyName(callee.property, callee.computed);
    if (!key || (name !== undefined && key !== name)) continue;
    if (!sameThis(index, node, root)) continue;
    out.push(node as t.CallExpression);
  }
  return out;
}

/** True when `this` at `node` is the `this` of `root` (only arrow functions in between). */
function sameThis(index: AstIndex, node: Node, root: Node): boolean {
  for (const ancestor of index.ancestors(node)) {
    if (ancestor === root) return true;
    if (isFunction(ancestor) && ancestor.type !== 'ArrowFunctionExpression') return false;
  }
  return false;
}

function calledName(call: t.CallExpression): string | undefined {
  const callee = unwrapExpression(call.callee);
  return callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression' ? staticKeyName(callee.property, callee.computed) : undefined;
}

/**
 * Why `disposal` is not the end of the instance's life, or undefined when it is: a method of the
 * class hierarchy of this module (this class, its bases, its subclasses) other than another
 * disposal method calls it, and nothing after that call starts the interval again (the member
 * `creator` creates it: a constructor is never run again). `reconnect() { this.disconnect();
 * this.connect(); }` with the interval started in `connect()` is fine; with the interval started in
 * the constructor, the first reconnect would stop it for good.
 */
export function disposalCalledMidLife(
  index: AstIndex,
  scope: ScopeAnalysis,
  cls: AnyClass,
  disposalName: string,
  creator: Node,
  disposalNames: readonly string[],
): string | undefined {
  const hierarchy = classHierarchy(index, scope, cls);
  const code = hierarchy.flatMap((c) => instanceCode(c).map((f) => ({ ...f, cls: c })));
  const field = creator.type === 'ClassProperty' || creator.type === 'ClassPrivateProperty' ? creator : undefined;
  const fieldFunction = field?.value ? isFunction(unwrapExpression(field.value)) : false;
  const creatorName = field ? (fieldFunction ? memberName(field) : undefined) : code.find((f) => f.fn === creator)?.name;
  // A field initialiser runs once, like the constructor.
  const isConstructorLike = (field !== undefined && !fieldFunction) || ((creator.type === 'ClassMethod' || creator.type === 'ClassPrivateMethod') && creator.kind === 'constructor');
  /** True when calling `name` on the instance (re)starts the interval, directly or through other self-calls. */
  const restarts = (name: string, seen = new Set<string>()): boolean => {
    if (isConstructorLike || !creatorName) return false;
    if (name === creatorName) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return code.filter((f) => f.name === name).some((f) => selfCalls(index, f.fn).some((c) => restarts(calledName(c) ?? '', seen)));
  };
  for (const f of code) {
    if (disposalNames.includes(f.name) || f.name === disposalName) continue;
    for (const call of selfCalls(index, f.fn, disposalName)) {
      const after = selfCalls(index, f.fn).filter((c) => (c.start ?? 0) > (call.end ?? 0));
      if (after.some((c) => restarts(calledName(c) ?? ''))) continue;
      const where = f.cls === cls ? '' : f.cls.id ? ` of ${f.cls.id.name}` : ' of a related class';
      const name = f.name === 'constructor' ? 'the constructor' : `${f.name}()`;
      return `${name}${where} calls ${disposalName}() and nothing starts the interval again after it`;
    }
  }
  // An interval created once (constructor, field) cannot be started again by any caller.
  const unseen = isConstructorLike || !creatorName ? unseenBase(index, scope, hierarchy) : undefined;
  if (unseen) {
    return `the class extends ${unseen}, whose code leakfix cannot see: it may call ${disposalName}() mid-life (as a reconnect does), and nothing would start the interval again`;
  }
  return undefined;
}
