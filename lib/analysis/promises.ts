/**
 * What is certainly a promise, and which promises are already handled, read from syntax and
 * scopes only (no types). Used by track-async and by audit through its detector.
 *
 * "Certainly" means: a call to an `async` function declared in this module (resolved through
 * scopes, so a shadowing binding or `obj.m()` beside a local `m` is never confused with it), a
 * member of a well-known promise API (`fetch`, `fs/promises`, `fs.promises`, `timers/promises`),
 * an async IIFE, `new Promise(...)`, `Promise.all(...)` and friends, or a `.then`/`.finally` chain.
 */
import type * as t from '@babel/types';
import { isFunction, memberPath, unwrapExpression, walk, type AstIndex, type Node } from './ast';
import type { Binding, ScopeAnalysis } from './scope';
import { GLOBAL_OBJECTS } from './resources';
import { bindingOrigin } from './origins';

/** Global functions that return a promise. */
export const DEFAULT_PROMISE_GLOBALS: readonly string[] = ['fetch'];

/**
 * Modules whose exported functions return promises. `module#member` names a namespace inside a
 * module (`fs#promises` is `require('fs').promises`).
 */
export const DEFAULT_PROMISE_MODULES: readonly string[] = [
  'fs/promises',
  'node:fs/promises',
  'fs#promises',
  'node:fs#promises',
  'timers/promises',
  'node:timers/promises',
];

/** Exports of those modules that are not promise-returning functions. */
const NON_PROMISE_EXPORTS = new Set(['watch', 'setInterval', 'constants', 'scheduler', 'default']);

/** Static methods of the global `Promise` that return a promise. */
const PROMISE_STATICS = new Set(['all', 'allSettled', 'race', 'any', 'resolve', 'reject', 'try']);

/** Test-framework functions and hooks: never wrapped, whatever they return. */
export const TEST_FUNCTIONS: ReadonlySet<string> = new Set([
  'it',
  'test',
  'describe',
  'suite',
  'context',
  'before',
  'after',
  'beforeEach',
  'afterEach',
  'beforeAll',
  'afterAll',
  'setup',
  'teardown',
  'suiteSetup',
  'suiteTeardown',
]);

/** Modules test functions are imported from; their globals count too. */
export const TEST_MODULES: ReadonlySet<string> = new Set([
  'node:test',
  'test',
  'vitest',
  '@jest/globals',
  'mocha',
  'bun:test',
  'ava',
  'tap',
  'uvu',
  '@playwright/test',
  'jasmine',
  '@japa/runner',
]);

/** Methods that register a listener: `emitter.on('x', cb)`, `el.addEventListener('x', cb)`. */
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

const TIMER_FUNCTIONS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

export interface PromiseApis {
  globals: readonly string[];
  modules: readonly string[];
}

/** Where a value comes from in a module: `{ module: 'fs', path: ['promises', 'readFile'] }`. */
interface ModuleRef {
  module: string;
  path: string[];
}

/** `fn` is the async function whose call makes the promise, when it is in this file. */
export type CertainPromise =
  | { kind: 'async-call'; name: string; fn: t.Function }
  | { kind: 'api-call'; name: string }
  | { kind: 'async-iife'; name: string; fn: t.Function }
  | { kind: 'new-promise'; name: string }
  | { kind: 'promise-static'; name: string }
  | { kind: 'chain'; name: string };

function isNonGeneratorAsync(node: Node | null | undefined): node is t.Function {
  return !!node && isFunction(node) && node.async === true && node.generator !== true;
}

function stringValue(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

function propertyName(member: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!member.computed) {
    if (member.property.type === 'Identifier') return member.property.name;
    if (member.property.type === 'PrivateName') return `#${member.property.id.name}`;
    return undefined;
  }
  return stringValue(member.property);
}

function isMember(node: Node): node is t.MemberExpression | t.OptionalMemberExpression {
  return node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression';
}

/** `require('m')` → 'm'. */
function requiredModule(node: Node, isUnshadowed: (name: string, at: Node) => boolean): string | undefined {
  const n = unwrapExpression(node);
  if (n.type !== 'CallExpression' || n.callee.type !== 'Identifier' || n.callee.name !== 'require') return undefined;
  if (!isUnshadowed('require', n.callee)) return undefined;
  return n.arguments.length === 1 ? stringValue(n.arguments[0]) : undefined;
}

/**
 * Whether the file has an `import ... from 'm'` or a `require('m')` for a module `wanted` accepts:
 * a module the file never names cannot be where a binding comes from, so no scope lookup is needed.
 */
export function importsAnyModule(index: AstIndex, wanted: (specifier: string) => boolean): boolean {
  for (const declaration of index.ofType('ImportDeclaration')) if (wanted(declaration.source.value)) return true;
  for (const call of index.ofType('CallExpression')) {
    if (call.callee.type !== 'Identifier' || call.callee.name !== 'require' || call.arguments.length !== 1) continue;
    const specifier = stringValue(call.arguments[0]);
    if (specifier !== undefined && wanted(specifier)) return true;
  }
  return false;
}

/** The class `this` means at `node` (looking through arrows), and whether it is the class itself (static code). */
export function thisClass(index: AstIndex, node: Node): { cls: t.Class; isStatic: boolean } | undefined {
  for (const ancestor of index.ancestors(node)) {
    if (ancestor.type === 'ArrowFunctionExpression') continue;
    if (ancestor.type === 'ClassMethod' || ancestor.type === 'ClassPrivateMethod' || ancestor.type === 'ClassProperty' || ancestor.type === 'ClassPrivateProperty') {
      const body = index.parent(ancestor);
      const cls = body ? index.parent(body) : undefined;
      if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return undefined;
      if (ancestor.type === 'ClassMethod' && ancestor.kind === 'constructor') return { cls, isStatic: false };
      return { cls, isStatic: ancestor.static === true };
    }
    if (ancestor.type === 'StaticBlock') {
      const body = index.parent(ancestor);
      const cls = body ? index.parent(body) : undefined;
      return cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression') ? { cls, isStatic: true } : undefined;
    }
    if (isFunction(ancestor) || ancestor.type === 'Program') return undefined;
  }
  return undefined;
}

/** The async method (or async arrow field) of `cls` named `name`, when every member of that name is one. */
function asyncClassMember(cls: t.Class, name: string, isStatic: boolean): t.Function | undefined {
  let found: t.Function | undefined;
  for (const member of cls.body.body) {
    let memberName: string | undefined;
    let value: Node | null | undefined;
    if (member.type === 'ClassMethod' && !member.computed) {
      memberName = member.key.type === 'Identifier' ? member.key.name : stringValue(member.key);
      if ((member.static === true) !== isStatic || memberName !== name) continue;
      if (member.kind !== 'method') return undefined;
      value = member;
    } else if (member.type === 'ClassPrivateMethod') {
      memberName = `#${member.key.id.name}`;
      if ((member.static === true) !== isStatic || memberName !== name) continue;
      if (member.kind !== 'method') return undefined;
      value = member;
    } else if ((member.type === 'ClassProperty' && !member.computed) || member.type === 'ClassPrivateProperty') {
      memberName = member.key.type === 'Identifier' ? member.key.name : member.key.type === 'PrivateName' ? `#${member.key.id.name}` : stringValue(member.key);
      if ((member.static === true) !== isStatic || memberName !== name) continue;
      value = member.value ? unwrapExpression(member.value) : undefined;
    } else {
      continue;
    }
    if (!isNonGeneratorAsync(value)) return undefined;
    found ??= value;
  }
  return found;
}

/**
 * Answers "is this expression certainly a promise?" and "which callee names it?" for one file.
 * Bindings are trusted only when they are never reassigned.
 */
export class PromiseFacts {
  private readonly modules: Map<string, Set<string>>;
  private readonly certain = new Map<Node, CertainPromise | null>();
  private asyncNames: Set<string> | undefined;
  private asyncMemberNames: Set<string> | undefined;
  private promiseModuleImported: boolean | undefined;

  /**
   * `scope` is a getter: scope analysis is the costliest part of detection, and most files never
   * need it (no call can resolve to an async function or a promise module), so it is built only
   * when a candidate call survives the syntactic checks.
   */
  constructor(
    private readonly index: AstIndex,
    private readonly scopeOf: () => ScopeAnalysis,
    private readonly isUnshadowed: (name: string, at: Node) => boolean,
    private readonly apis: PromiseApis,
  ) {
    // 'fs#promises' → module 'fs', namespace 'promises'; 'fs/promises' → namespace ''.
    this.modules = new Map();
    for (const entry of apis.modules) {
      const [module, namespace = ''] = entry.split('#');
      const set = this.modules.get(module) ?? new Set<string>();
      set.add(namespace);
      this.modules.set(module, set);
    }
  }

  private get scope(): ScopeAnalysis {
    return this.scopeOf();
  }

  /** The promise an expression certainly evaluates to, or undefined when that is not certain. */
  certainPromise(expression: Node): CertainPromise | undefined {
    const node = unwrapExpression(expression);
    let known = this.certain.get(node);
    if (known === undefined) {
      known = this.findCertainPromise(node) ?? null;
      this.certain.set(node, known);
    }
    return known ?? undefined;
  }

  private findCertainPromise(node: Node): CertainPromise | undefined {
    if (node.type === 'NewExpression') {
      const callee = unwrapExpression(node.callee);
      if (callee.type === 'Identifier' && callee.name === 'Promise' && this.isUnshadowed('Promise', callee)) return { kind: 'new-promise', name: 'new Promise' };
      return undefined;
    }
    if (node.type !== 'CallExpression') return undefined;
    const callee = unwrapExpression(node.callee);

    if (isNonGeneratorAsync(callee)) {
      const id = (callee as { id?: t.Identifier | null }).id;
      return { kind: 'async-iife', name: id?.name ?? 'async IIFE', fn: callee };
    }
    if (callee.type === 'Identifier') {
      const local = this.localAsyncFunction(callee);
      if (local) return { kind: 'async-call', name: callee.name, fn: local };
      if (this.apis.globals.includes(callee.name) && this.scope.resolve(callee) === undefined && this.isUnshadowed(callee.name, callee)) {
        return { kind: 'api-call', name: callee.name };
      }
      if (this.importsPromiseModule() && this.isPromiseApi(this.moduleRef(callee))) return { kind: 'api-call', name: callee.name };
      return undefined;
    }
    if (!isMember(callee)) return undefined;
    const property = propertyName(callee);
    if (property === undefined) return undefined;
    const receiver = unwrapExpression(callee.object);

    if (property === 'then' || property === 'finally') return { kind: 'chain', name: this.chainName(receiver) };
    // `.catch()`, `.catch(null)`, `.catch(undefined)`, `.catch(3)`: alike, a chain step that handles nothing.
    if (property === 'catch' && rejectionHandlerOf(node) !== 'handler') return { kind: 'chain', name: this.chainName(receiver) };
    if (receiver.type === 'ThisExpression') {
      if (!this.declaredAsyncMembers().has(property)) return undefined;
      const owner = thisClass(this.index, callee);
      const method = owner ? asyncClassMember(owner.cls, property, owner.isStatic) : undefined;
      if (method) return { kind: 'async-call', name: `this.${property}`, fn: method };
      return undefined;
    }
    if (receiver.type === 'Identifier' && receiver.name === 'Promise' && PROMISE_STATICS.has(property) && this.isUnshadowed('Promise', receiver)) {
      return { kind: 'promise-static', name: `Promise.${property}` };
    }
    if (!this.importsPromiseModule()) return undefined;
    const ref = this.moduleRef(callee);
    if (this.isPromiseApi(ref)) return { kind: 'api-call', name: memberPath(callee) ?? property };
    return undefined;
  }

  /** Names an async function or arrow is declared under in this file: only calls of these can resolve to one. */
  private declaredAsyncNames(): Set<string> {
    if (this.asyncNames) return this.asyncNames;
    const names = new Set<string>();
    for (const fn of this.index.ofType('FunctionDeclaration')) if (isNonGeneratorAsync(fn) && fn.id) names.add(fn.id.name);
    for (const fn of this.index.ofType('FunctionExpression')) if (isNonGeneratorAsync(fn) && fn.id) names.add(fn.id.name);
    for (const declarator of this.index.ofType('VariableDeclarator')) {
      if (declarator.id.type === 'Identifier' && declarator.init && isNonGeneratorAsync(unwrapExpression(declarator.init))) names.add(declarator.id.name);
    }
    this.asyncNames = names;
    return names;
  }

  /** Names of async methods and async arrow fields of the file's classes (`#x` for private ones). */
  private declaredAsyncMembers(): Set<string> {
    if (this.asyncMemberNames) return this.asyncMemberNames;
    const names = new Set<string>();
    const add = (key: Node, value: Node | null | undefined): void => {
      if (!value || !isNonGeneratorAsync(unwrapExpression(value))) return;
      const name = key.type === 'PrivateName' ? `#${key.id.name}` : key.type === 'Identifier' ? key.name : stringValue(key);
      if (name !== undefined) names.add(name);
    };
    for (const method of this.index.ofType('ClassMethod')) add(method.key, method);
    for (const method of this.index.ofType('ClassPrivateMethod')) add(method.key, method);
    for (const property of this.index.ofType('ClassProperty')) add(property.key, property.value);
    for (const property of this.index.ofType('ClassPrivateProperty')) add(property.key, property.value);
    this.asyncMemberNames = names;
    return names;
  }

  /**
   * Whether the file imports or requires one of the promise modules at all; for a module that only
   * holds a promise namespace (`fs#promises`), also whether the file names that namespace anywhere
   * (`fs.promises`, `{ promises }`, `fs['promises']`): plain `require('fs')` code has no promise API.
   */
  private importsPromiseModule(): boolean {
    this.promiseModuleImported ??= importsAnyModule(this.index, (specifier) => {
      const namespaces = this.modules.get(specifier);
      if (!namespaces) return false;
      return namespaces.has('') || [...namespaces].some((namespace) => this.mentions(namespace));
    });
    return this.promiseModuleImported;
  }

  /** Whether some identifier, string literal or template text of the file is `name`. */
  private mentions(name: string): boolean {
    return (
      this.index.ofType('Identifier').some((id) => id.name === name) ||
      this.index.ofType('StringLiteral').some((literal) => literal.value === name) ||
      this.index.ofType('TemplateElement').some((element) => element.value.cooked === name)
    );
  }

  /** The name a promise is logged under: the callee (`this.flush`, `fsp.writeFile`), or a chain's first callee. */
  nameOf(expression: Node): string {
    const node = unwrapExpression(expression);
    const certain = this.certainPromise(node);
    if (certain) return certain.name;
    if (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') {
      const callee = unwrapExpression(node.callee);
      const property = isMember(callee) ? propertyName(callee) : undefined;
      if (isMember(callee) && (property === 'then' || property === 'catch' || property === 'finally')) return this.chainName(callee.object);
      return memberPath(callee) ?? 'promise';
    }
    if (node.type === 'NewExpression') return `new ${memberPath(node.callee) ?? 'promise'}`;
    if (node.type === 'TaggedTemplateExpression') return memberPath(node.tag) ?? 'promise';
    return memberPath(node) ?? 'promise';
  }

  /** The name a tracked chain is logged under: its first call's callee (`fetch` for `fetch(u).then(f)`). */
  private chainName(receiver: Node): string {
    let current = unwrapExpression(receiver);
    for (;;) {
      if (current.type === 'CallExpression' || current.type === 'OptionalCallExpression') {
        const callee = unwrapExpression(current.callee);
        if (isMember(callee)) {
          const property = propertyName(callee);
          if (property === 'then' || property === 'catch' || property === 'finally') {
            current = unwrapExpression(callee.object);
            continue;
          }
        }
        const certain = this.certainPromise(current);
        if (certain) return certain.name;
        return memberPath(callee) ?? 'promise';
      }
      if (current.type === 'NewExpression') return 'new Promise';
      return memberPath(current) ?? 'promise';
    }
  }

  /** For `f()`: the `async function f` or `const f = async () => ...` (never reassigned) it calls. */
  localAsyncFunction(identifier: t.Identifier): t.Function | undefined {
    if (!this.declaredAsyncNames().has(identifier.name)) return undefined;
    const binding = this.scope.resolve(identifier);
    const value = binding ? asyncValueOf(binding) : undefined;
    return isNonGeneratorAsync(value) ? value : undefined;
  }

  /** A test function's name: unbound (a framework global) or imported/required from a test module. */
  isTestFunction(identifier: t.Identifier): boolean {
    const binding = this.scope.resolve(identifier);
    if (!binding) return true;
    const ref = this.bindingModuleRef(binding);
    return ref !== undefined && TEST_MODULES.has(ref.module);
  }

  /** Where an identifier or member chain comes from, when it is (a member of) an imported or required module. */
  private moduleRef(node: Node): ModuleRef | undefined {
    const n = unwrapExpression(node);
    if (n.type === 'Identifier') {
      const binding = this.scope.resolve(n);
      return binding ? this.bindingModuleRef(binding) : undefined;
    }
    const required = requiredModule(n, this.isUnshadowed);
    if (required !== undefined) return { module: required, path: [] };
    if (isMember(n)) {
      const property = propertyName(n);
      if (property === undefined) return undefined;
      const base = this.moduleRef(n.object);
      return base ? { module: base.module, path: [...base.path, property] } : undefined;
    }
    return undefined;
  }

  private bindingModuleRef(binding: Binding): ModuleRef | undefined {
    const declaration = binding.declaration;
    if (binding.kind === 'import') {
      const importDeclaration = this.index.parent(declaration);
      if (importDeclaration?.type !== 'ImportDeclaration') return undefined;
      const module = importDeclaration.source.value;
      if (declaration.type === 'ImportNamespaceSpecifier' || declaration.type === 'ImportDefaultSpecifier') return { module, path: [] };
      if (declaration.type === 'ImportSpecifier') {
        const imported = declaration.imported.type === 'Identifier' ? declaration.imported.name : declaration.imported.value;
        return imported === 'default' ? { module, path: [] } : { module, path: [imported] };
      }
      return undefined;
    }
    if (!isStable(binding) || declaration.type !== 'VariableDeclarator' || !declaration.init) return undefined;
    const base = this.moduleRef(declaration.init);
    if (!base) return undefined;
    if (declaration.id.type === 'Identifier') return base;
    if (declaration.id.type === 'ObjectPattern') {
      for (const property of declaration.id.properties) {
        if (property.type !== 'ObjectProperty' || property.computed) continue;
        const value = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
        if (value !== binding.identifier) continue;
        const key = property.key.type === 'Identifier' ? property.key.name : stringValue(property.key);
        return key === undefined ? undefined : { module: base.module, path: [...base.path, key] };
      }
    }
    return undefined;
  }

  private isPromiseApi(ref: ModuleRef | undefined): boolean {
    if (!ref) return false;
    const namespaces = this.modules.get(ref.module);
    if (!namespaces) return false;
    if (ref.path.length === 1 && namespaces.has('')) return !NON_PROMISE_EXPORTS.has(ref.path[0]);
    if (ref.path.length === 2 && namespaces.has(ref.path[0])) return !NON_PROMISE_EXPORTS.has(ref.path[1]);
    return false;
  }
}

/** A binding is trusted when nothing reassigns it. */
function isStable(binding: Binding): boolean {
  if (binding.kind === 'const' || binding.kind === 'import') return true;
  if (binding.kind !== 'let' && binding.kind !== 'var' && binding.kind !== 'function') return false;
  return !binding.references.some((reference) => reference.write);
}

/** The function a binding certainly holds, if any: a function declaration or a never-reassigned `const f = function/arrow`. */
function asyncValueOf(binding: Binding): Node | undefined {
  if (!isStable(binding)) return undefined;
  const declaration = binding.declaration;
  if (binding.kind === 'function') {
    const named = declaration.type === 'FunctionDeclaration' || declaration.type === 'FunctionExpression';
    return named && declaration.id === binding.identifier ? declaration : undefined;
  }
  if ((binding.kind === 'const' || binding.kind === 'let' || binding.kind === 'var') && declaration.type === 'VariableDeclarator') {
    if (declaration.id !== binding.identifier || !declaration.init) return undefined;
    return unwrapExpression(declaration.init);
  }
  return undefined;
}

/**
 * What the last rejection handler of a chain is: `handler` (a function, or a value that may be one),
 * `not-a-function` (`.catch()`, `.catch(null)`, `.catch(undefined)`, `.catch(void 0)`, `.catch(3)`,
 * `.then(f, 'x')`: these handle nothing, the rejection passes through), `unknown` (a spread
 * argument: `.then(...args)`), or `none` (`.then(f)`, no rejection slot). `isFunction` answers for
 * an argument that is neither a literal nor a function expression (typed mode asks the checker;
 * untyped mode resolves a `const` to its initial value); undefined means "may be one".
 */
export type RejectionHandler = 'handler' | 'not-a-function' | 'unknown' | 'none';

export function rejectionHandlerOf(expression: Node, isFunction?: (argument: Node) => boolean | undefined): RejectionHandler {
  const node = unwrapExpression(expression);
  if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') return 'none';
  const callee = unwrapExpression(node.callee);
  if (!isMember(callee)) return 'none';
  const property = propertyName(callee);
  const slot = property === 'catch' ? 0 : property === 'then' ? 1 : -1;
  if (slot < 0) return property === 'finally' ? rejectionHandlerOf(callee.object, isFunction) : 'none';
  const args = node.arguments;
  if (args.slice(0, slot + 1).some((a) => a.type === 'SpreadElement')) return 'unknown';
  if (args.length <= slot) return property === 'catch' ? 'not-a-function' : 'none';
  const handler = args[slot];
  if (handler.type === 'ArgumentPlaceholder' || handler.type === 'SpreadElement') return 'unknown';
  return handlerValue(handler, isFunction);
}

function handlerValue(argument: Node, isFunctionValue?: (argument: Node) => boolean | undefined): RejectionHandler {
  const n = unwrapExpression(argument);
  if (isFunction(n)) return 'handler';
  if (isNullish(n)) return 'not-a-function';
  switch (n.type) {
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'BigIntLiteral':
    case 'RegExpLiteral':
    case 'TemplateLiteral':
    case 'ObjectExpression':
    case 'ArrayExpression':
    case 'UnaryExpression':
    case 'BinaryExpression':
    case 'NewExpression':
      return n.type === 'NewExpression' ? (isFunctionValue?.(n) === false ? 'not-a-function' : 'handler') : 'not-a-function';
    default:
      return isFunctionValue?.(n) === false ? 'not-a-function' : 'handler';
  }
}

/** `.catch(h)` or `.then(a, b)` at the end of a chain with a handler that is (or may be) a function, looking through trailing `.finally(f)`. */
export function endsWithRejectionHandler(expression: Node, isFunctionValue?: (argument: Node) => boolean | undefined): boolean {
  return rejectionHandlerOf(expression, isFunctionValue) === 'handler';
}

function isNullish(node: Node): boolean {
  const n = unwrapExpression(node);
  return n.type === 'NullLiteral' || (n.type === 'Identifier' && n.name === 'undefined') || (n.type === 'UnaryExpression' && n.operator === 'void');
}

/** Statements inside `root` that are not inside a nested function (or class), for a callback to test. */
function someOwnNode(root: Node, test: (node: Node) => boolean): boolean {
  let found = false;
  const visit = (node: Node | null | undefined): void => {
    if (!node || found) return;
    if (test(node)) {
      found = true;
      return;
    }
    for (const key of Object.keys(node) as Array<keyof typeof node>) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' || key === 'extra') continue;
      const value = node[key] as unknown;
      if (Array.isArray(value)) {
        for (const child of value) if (child && typeof child === 'object' && typeof (child as Node).type === 'string' && !isFunction(child as Node) && (child as Node).type !== 'ClassBody') visit(child as Node);
      } else if (value && typeof value === 'object' && typeof (value as Node).type === 'string' && !isFunction(value as Node) && (value as Node).type !== 'ClassBody') {
        visit(value as Node);
      }
    }
  };
  visit(root);
  return found;
}

/**
 * An async function that cannot reject (short of an error thrown by its own handler code): simple
 * parameters (a default value or a destructuring pattern can throw), and a body made only of
 * `try { ... } catch { ... }` statements whose catch blocks and finalizers neither throw nor await.
 */
export function cannotReject(fn: t.Function): boolean {
  if (!fn.async || fn.generator || fn.body.type !== 'BlockStatement' || fn.body.body.length === 0) return false;
  if (!fn.params.every((param) => param.type === 'Identifier')) return false;
  return fn.body.body.every((statement) => {
    if (statement.type !== 'TryStatement' || !statement.handler) return false;
    const risky = (node: Node): boolean => node.type === 'ThrowStatement' || node.type === 'AwaitExpression' || node.type === 'YieldExpression';
    if (someOwnNode(statement.handler.body, risky)) return false;
    return !statement.finalizer || !someOwnNode(statement.finalizer, risky);
  });
}

/** `process.exit(...)`, `process.kill(process.pid, ...)` or `process.exitCode = ...`. */
function isExitCall(node: Node): boolean {
  if ((node.type === 'CallExpression' || node.type === 'OptionalCallExpression')) {
    const path = memberPath(node.callee);
    return path === 'process.exit' || path === 'process.abort' || path === 'process.reallyExit';
  }
  if (node.type === 'AssignmentExpression') return memberPath(node.left) === 'process.exitCode';
  return false;
}

const REACTIONS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

/** `p.then(...)`, `p.catch(...)`, `p.finally(...)`: its arguments run after the work. */
export function isReactionCall(node: Node): boolean {
  if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') return false;
  const callee = unwrapExpression(node.callee);
  return isMember(callee) && REACTIONS.has(propertyName(callee) ?? '');
}

/**
 * The arguments (unwrapped) of a promise chain's reactions, from the last reaction down: each
 * `.then/.catch/.finally` in `reactions` (default: all three) until the first call that is not
 * one. With `head`, that first call's arguments too: `authorize(req, (err) => callback(err))`
 * hands its result to a callback as a `.then` reaction does.
 */
function chainArguments(expression: Node, options: { head?: boolean; reactions?: ReadonlySet<string> } = {}): Node[] {
  const reactions = options.reactions ?? REACTIONS;
  const found: Node[] = [];
  let node = unwrapExpression(expression);
  while (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') {
    const callee = unwrapExpression(node.callee);
    const reaction = isMember(callee) && reactions.has(propertyName(callee) ?? '');
    if (!reaction && !options.head) break;
    for (const argument of node.arguments) found.push(unwrapExpression(argument));
    if (!reaction || !isMember(callee)) break;
    node = unwrapExpression(callee.object);
  }
  return found;
}

/** The function a statement sits in when that function builds an object: a class constructor, or a capitalised function that uses `this` (`const PubSub = function () { const self = this; ... }`). */
function constructorOf(index: AstIndex, statement: Node): t.Function | undefined {
  for (const ancestor of index.ancestors(statement)) {
    if (!isFunction(ancestor)) continue;
    if (ancestor.type === 'ClassMethod' && ancestor.kind === 'constructor') return ancestor;
    if (ancestor.type === 'ArrowFunctionExpression') continue;
    const parent = index.parent(ancestor);
    const name =
      'id' in ancestor && ancestor.id ? ancestor.id.name : parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : undefined;
    if (name !== undefined && /^[A-Z]/.test(name) && someOwnNode(ancestor.body, (node) => node.type === 'ThisExpression')) return ancestor;
    return undefined;
  }
  return undefined;
}

/** Names that stand for the object under construction: `this` and `const self = this`. */
function selfNames(fn: t.Function): Set<string> {
  const names = new Set<string>();
  walk(fn.body, (node) => {
    if (node !== fn.body && isFunction(node)) return false;
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init && unwrapExpression(node.init).type === 'ThisExpression') names.add(node.id.name);
    return undefined;
  });
  return names;
}

/**
 * Whether a chain started while an object is being built stores its result on that object
 * (`connection.connect().then((client) => { self.subClient = client; })` in a constructor): on
 * rejection the object stays half-built. Unhandled, that rejection ends the process at startup;
 * tracked, the process would run on without the client, failing later and elsewhere.
 */
/** The reactions that receive the work's result (a `.catch` handler receives the error). */
const STORING_REACTIONS: ReadonlySet<string> = new Set(['then', 'finally']);

export function chainInitializesObject(index: AstIndex, statement: Node, expression: Node): boolean {
  const constructor = constructorOf(index, statement);
  if (!constructor) return false;
  const aliases = selfNames(constructor);
  // `this` inside an arrow is the object; inside a function expression it is not.
  const isSelf = (node: Node, arrow: boolean): boolean => {
    const n = unwrapExpression(node);
    return (arrow && n.type === 'ThisExpression') || (n.type === 'Identifier' && aliases.has(n.name));
  };
  return chainArguments(expression, { reactions: STORING_REACTIONS }).some((fn) => {
    if (!isFunction(fn)) return false;
    const arrow = fn.type === 'ArrowFunctionExpression';
    return someOwnNode(fn.body, (inner) => {
      if (inner.type !== 'AssignmentExpression') return false;
      const target = unwrapExpression(inner.left);
      return (target.type === 'MemberExpression' || target.type === 'OptionalMemberExpression') && isSelf(target.object, arrow);
    });
  });
}

/**
 * Whether a chain's callbacks end the process (`main().then(() => process.exit(0))`,
 * `.finally(() => { process.exitCode = 0 })`): its rejection is the script's exit status (an
 * unhandled rejection exits 1), so tracking it (logged, not fatal) would change how it ends.
 */
export function chainDecidesExit(expression: Node): boolean {
  return chainArguments(expression).some((fn) => (isFunction(fn) && someOwnNode(fn.body, isExitCall)) || memberPath(fn) === 'process.exit');
}

/**
 * The parameter of an enclosing function (a node-style `callback`, a promise executor's `resolve`
 * or `reject`, `next`, `done`) that a chain's callbacks call to deliver the result, if any:
 * `function auth(user, callback) { check(user).then((ok) => callback(null, ok)); }`. On rejection
 * that callback is never called, so the caller waits forever; the fix is `.catch(callback)` or
 * `.catch(reject)`, not tracking the rejection aside.
 */
export function chainReportsTo(index: AstIndex, statement: Node, expression: Node): string | undefined {
  const params = new Set<string>();
  for (const ancestor of index.ancestors(statement)) {
    if (!isFunction(ancestor)) continue;
    for (const param of ancestor.params) if (param.type === 'Identifier') params.add(param.name);
  }
  if (params.size === 0) return undefined;
  let found: string | undefined;
  for (const fn of chainArguments(expression, { head: true })) {
    if (found) break;
    if (!isFunction(fn)) continue;
    const own = new Set(fn.params.flatMap((p) => (p.type === 'Identifier' ? [p.name] : [])));
    walk(fn.body, (inner) => {
      if (found) return false;
      if ((inner.type === 'CallExpression' || inner.type === 'OptionalCallExpression') && inner.callee.type === 'Identifier' && params.has(inner.callee.name) && !own.has(inner.callee.name)) {
        found = inner.callee.name;
        return false;
      }
      return undefined;
    });
  }
  return found;
}

/** An expression that is certainly an array: a literal, `Array.from/of`, `Object.keys/values/entries`, or an array method that returns a new array of one. */
export function certainArray(expression: Node): boolean {
  const node = unwrapExpression(expression);
  if (node.type === 'ArrayExpression') return true;
  if (node.type !== 'CallExpression') return false;
  const path = memberPath(node.callee);
  if (path === 'Array.from' || path === 'Array.of' || path === 'Object.keys' || path === 'Object.values' || path === 'Object.entries') return true;
  const callee = unwrapExpression(node.callee);
  if (!isMember(callee)) return false;
  const property = propertyName(callee);
  return (property === 'map' || property === 'filter' || property === 'slice' || property === 'concat' || property === 'flat' || property === 'flatMap') && certainArray(callee.object);
}

/**
 * `it(...)`, `test.only(...)`, `describe.each(table)(...)`, `t.test(...)`, `beforeEach(...)`.
 * `isTestFunction` says whether the root name is the framework's (a global, or imported from a
 * test module) rather than, say, a local `async function setup()`.
 */
export function isTestFrameworkCall(expression: Node, isTestFunction: (root: t.Identifier) => boolean): boolean {
  let node = unwrapExpression(expression);
  while (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') {
    const callee = unwrapExpression(node.callee);
    const path = memberPath(callee);
    if (path !== undefined) {
      const parts = path.split('.');
      if (TEST_FUNCTIONS.has(parts[0])) {
        let root: Node = callee;
        while (isMember(root)) root = unwrapExpression(root.object);
        return root.type === 'Identifier' && isTestFunction(root);
      }
      return parts.length === 2 && (parts[1] === 'test' || parts[1] === 'it' || parts[1] === 'describe');
    }
    node = callee; // `describe.each(table)(name, fn)`: the callee is itself a call
    if (isMember(node)) node = unwrapExpression(node.object);
  }
  return false;
}

/**
 * `xs.map(async ...)`, `xs.map(x => fetchIt(x))`, `xs.forEach(async ...)`: one promise per element
 * that nobody collects. `returnsPromise` tells whether a callback's result is certainly a promise
 * (an async function, or an arrow whose expression body is one).
 */
export function asyncIterationMethod(expression: Node, returnsPromise?: (body: Node) => boolean): 'map' | 'forEach' | undefined {
  const node = unwrapExpression(expression);
  if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') return undefined;
  const callee = unwrapExpression(node.callee);
  if (!isMember(callee)) return undefined;
  const property = propertyName(callee);
  if (property !== 'map' && property !== 'forEach') return undefined;
  const [argument] = node.arguments;
  const callback = argument ? unwrapExpression(argument) : undefined;
  if (!callback) return undefined;
  if (isNonGeneratorAsync(callback)) return property;
  const arrow = callback as Node;
  if (returnsPromise && arrow.type === 'ArrowFunctionExpression' && arrow.body.type !== 'BlockStatement' && returnsPromise(arrow.body)) return property;
  return undefined;
}

export type CallbackOwner = { kind: 'timer'; name: string } | { kind: 'listener'; name: string } | { kind: 'supervised'; name: string };

/**
 * The timer, listener registration or supervised task a function is handed to directly:
 * `setTimeout(fn)`, `window.setInterval(fn)`, `x.on('e', fn)`, `el.addEventListener('e', fn)`,
 * `supervise(name, fn)`. The caller of such a callback ignores what it returns, so tracking a
 * promise made inside it is the callback's owner's business, not a local rewrite.
 */
export function callbackOwner(
  index: AstIndex,
  fn: Node,
  isUnshadowed: (name: string, at: Node) => boolean,
  isSupervise: (callee: Node) => boolean,
): CallbackOwner | undefined {
  const call = index.parent(fn);
  if (!call || (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression')) return undefined;
  if (!call.arguments.includes(fn as t.Expression)) return undefined;
  const callee = unwrapExpression(call.callee);
  if (isSupervise(callee)) return { kind: 'supervised', name: memberPath(callee) ?? 'supervise' };
  const path = memberPath(callee);
  if (path === undefined) return undefined;
  const parts = path.split('.');
  const last = parts[parts.length - 1];
  if (TIMER_FUNCTIONS.has(last)) {
    if (parts.length === 1 && isUnshadowed(last, callee)) return { kind: 'timer', name: last };
    if (parts.length === 2 && GLOBAL_OBJECTS.has(parts[0]) && isMember(callee) && isUnshadowed(parts[0], callee.object)) return { kind: 'timer', name: path };
    return undefined;
  }
  if (parts.length >= 2 && LISTENER_METHODS.has(last) && call.arguments.indexOf(fn as t.Expression) === 1) return { kind: 'listener', name: path };
  return undefined;
}

/**
 * The runtime export a callee names (`track`, `supervise`, `TaskGroup`) when it is imported or
 * required from the runtime module: `track`, `lf.track`, an alias `leakfixTrack`, a destructured
 * require.
 */
export function runtimeExportName(index: AstIndex, scope: ScopeAnalysis, callee: Node, specifier: string): string | undefined {
  const node = unwrapExpression(callee);
  if (node.type === 'Identifier') {
    const binding = scope.resolve(node);
    return binding ? runtimeBindingName(index, binding, specifier, false) : undefined;
  }
  if (isMember(node)) {
    const object = unwrapExpression(node.object);
    if (object.type !== 'Identifier') return undefined;
    const binding = scope.resolve(object);
    const namespace = binding ? runtimeBindingName(index, binding, specifier, true) : undefined;
    return namespace === '*' ? propertyName(node) : undefined;
  }
  return undefined;
}

/**
 * For a binding of the runtime: the export it names, or `*` for the module object itself (a
 * namespace or default import, `const lf = require(...)`), asked for with `wantNamespace`. A
 * required binding must never be reassigned; `import()`, `import x = require()`, one required
 * member and a destructured name with a fallback do not count.
 */
function runtimeBindingName(index: AstIndex, binding: Binding, specifier: string, wantNamespace: boolean): string | undefined {
  const origin = bindingOrigin(index, binding);
  if (origin.kind === 'local' || origin.specifier !== specifier) return undefined;
  if (origin.kind === 'import') return origin.form === 'named' ? origin.imported : wantNamespace ? '*' : undefined;
  if (!isStable(binding) || origin.loader !== 'require') return undefined;
  if (origin.form === 'whole') return wantNamespace ? '*' : undefined;
  return origin.form === 'destructured' && !origin.withDefault ? origin.imported : undefined;
}

/** `group.track(...)` where `const group = new TaskGroup()` and `TaskGroup` is the runtime's. */
export function isTaskGroupTrack(index: AstIndex, scope: ScopeAnalysis, callee: Node, specifier: string): boolean {
  const node = unwrapExpression(callee);
  if (!isMember(node) || propertyName(node) !== 'track') return false;
  const object = unwrapExpression(node.object);
  if (object.type !== 'Identifier') return false;
  const binding = scope.resolve(object);
  if (!binding || !isStable(binding) || binding.declaration.type !== 'VariableDeclarator' || !binding.declaration.init) return false;
  const init = unwrapExpression(binding.declaration.init);
  return init.type === 'NewExpression' && runtimeExportName(index, scope, init.callee, specifier) === 'TaskGroup';
}

/** Runtime exports that drain the default group (directly, or on a signal). */
const DRAINING_EXPORTS = new Set(['shutdown', 'handleShutdownSignals']);

/**
 * A call that waits for tracked work: the runtime's `shutdown()` / `handleShutdownSignals()`, or
 * any `x.drain()`. A promise that makes such a call must not be tracked itself: the drain would
 * wait for the promise that waits for the drain, until its timeout.
 */
export function isDrainCall(node: Node, runtimeExport: (callee: Node) => string | undefined): boolean {
  if (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression') return false;
  const callee = unwrapExpression(node.callee);
  if (isMember(callee) && propertyName(callee) === 'drain') return true;
  const exported = runtimeExport(callee);
  return exported !== undefined && DRAINING_EXPORTS.has(exported);
}

/**
 * The `try` whose `catch` would handle `statement`'s rejection if it were awaited: the statement
 * sits in the try block (not in a nested function, not in the catch or finally) of an async
 * function. The author's catch never sees a floating promise's rejection; `await` is the fix they
 * meant, and only they can say the function may wait for it.
 */
export function catchingTry(index: AstIndex, statement: Node): t.TryStatement | undefined {
  let previous: Node = statement;
  for (const ancestor of index.ancestors(statement)) {
    if (isFunction(ancestor)) return undefined;
    if (ancestor.type === 'TryStatement' && ancestor.handler && previous === ancestor.block) {
      const fn = index.enclosingFunction(ancestor);
      return fn && isFunction(fn) && fn.async ? ancestor : undefined;
    }
    previous = ancestor;
  }
  return undefined;
}
