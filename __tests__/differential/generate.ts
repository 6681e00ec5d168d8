/**
 * A seeded generator of small functions in the shapes cleanup-to-finally rewrites: one or two
 * resources (objects with release/close, nullable handles, timers, a `let` assigned in a Promise
 * executor), branches, loops with break/continue, early returns, throws, existing try/catch/
 * finally, guarded and argument-carrying cleanups, and statements between a cleanup and its exit.
 *
 * Most exits release what is live before they leave (so many functions are fixable); some do not,
 * some release in another order, some put observable code after the cleanup. Every effect goes
 * through the world `w` (world.ts), so a run's trace shows what happened in which order.
 */

/** mulberry32: small, fast, good enough for test generation. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = this.state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** One key, with probability proportional to its weight. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    const total = entries.reduce((s, [, w]) => s + Math.max(0, w), 0);
    let r = this.next() * total;
    for (const [key, w] of entries) {
      r -= Math.max(0, w);
      if (r < 0) return key;
    }
    return entries[entries.length - 1][0];
  }
}

export interface GeneratedFunction {
  name: string;
  source: string;
  async: boolean;
  /** The shapes this function uses, for reports (`nullable`, `fifo`, `between-observable`, ...). */
  features: string[];
}

type ResourceKind = 'object' | 'nullable' | 'timer' | 'executor-timer';

interface Res {
  name: string;
  kind: ResourceKind;
  method: 'release' | 'close' | 'destroy';
  args: string;
  awaited: boolean;
  /** An absence check (`if (!a) return`) precedes everything after the acquisition. */
  checked: boolean;
  /** Released by an existing `finally`: exits do not release it themselves. */
  managed: boolean;
  /** For nullable handles: `w.choose() ? w.open('a') : null` (visibly nullable) versus `w.maybeOpen('a')`. */
  evident?: boolean;
}

interface Scope {
  parent?: Scope;
  resources: Res[];
  loop: boolean;
  locals: string[];
  finallyBody: boolean;
}

const INDENT = '  ';

class FunctionGenerator {
  private n = 0;
  private resourceCount = 0;
  private readonly features = new Set<string>();
  private readonly fifo: boolean;

  constructor(
    private readonly rng: Rng,
    private readonly isAsync: boolean,
  ) {
    this.fifo = rng.chance(0.15);
    if (this.fifo) this.features.add('fifo');
  }

  private id(): number {
    return ++this.n;
  }

  private feature(name: string): void {
    this.features.add(name);
  }

  generate(name: string): GeneratedFunction {
    const body = this.block({ resources: [], loop: false, locals: [], finallyBody: false }, 0, true);
    const source = `${this.isAsync ? 'async ' : ''}function ${name}(w) {\n${indent(body, 1)}\n}`;
    return { name, source, async: this.isAsync, features: [...this.features].sort() };
  }

  private visible(scope: Scope): Res[] {
    const seen = new Set<string>();
    const out: Res[] = [];
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const r of [...s.resources].reverse()) {
        if (seen.has(r.name)) continue;
        seen.add(r.name);
        out.push(r);
      }
    }
    return out; // innermost (latest) first
  }

  /** Resources an exit leaves behind: all for return/throw, up to the loop body for break/continue. */
  private leaving(scope: Scope, kind: 'return' | 'loop' | 'block'): Res[] {
    if (kind === 'block') return [...scope.resources].reverse();
    if (kind === 'return') return this.visible(scope);
    const out: Res[] = [];
    const shadowed = new Set<string>();
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      for (const r of [...s.resources].reverse()) if (!shadowed.has(r.name)) out.push(r);
      for (const r of s.resources) shadowed.add(r.name);
      if (s.loop) break;
    }
    return out;
  }

  private awaitPrefix(): string {
    return this.isAsync ? 'await ' : '';
  }

  private stepStatement(): string {
    return this.isAsync && this.rng.chance(0.5) ? `await w.tick(${this.id()});` : `w.step(${this.id()});`;
  }

  private cleanupOf(r: Res): string {
    if (r.kind === 'timer' || r.kind === 'executor-timer') {
      if (this.rng.chance(0.15)) {
        this.feature('guard-if');
        return `if (${r.name}) clearTimeout(${r.name});`;
      }
      return `clearTimeout(${r.name});`;
    }
    let args = r.args;
    if (this.rng.chance(0.04)) {
      args = args === '' ? 'false' : '';
      this.feature('args-differ');
    }
    const call = `${r.awaited ? 'await ' : ''}${r.name}.${r.method}(${args})`;
    // A handle of unknown nullability is guarded wherever it is released (else the code says it is never null).
    const guarded = r.kind === 'nullable' && !r.checked ? (r.evident ? this.rng.chance(0.6) : true) : this.rng.chance(0.1);
    if (!guarded) return `${call};`;
    const form = this.rng.weighted({ if: 3, and: 1, optional: 1 });
    this.feature(`guard-${form}`);
    if (form === 'if') return `if (${r.name}) ${call};`;
    if (form === 'and') return `${r.name} && ${call};`;
    return `${r.awaited ? 'await ' : ''}${r.name}?.${r.method}(${args});`;
  }

  /** Cleanups for `resources` (innermost first), some missing, maybe reordered, then maybe code before the exit. */
  private cleanups(resources: readonly Res[], scope: Scope, probability = 0.9): string[] {
    const own = resources.filter((r) => !r.managed);
    let order = this.fifo ? [...own].reverse() : [...own];
    if (this.rng.chance(0.1) && order.length > 1) {
      order = [...order].reverse();
      this.feature('order-varies');
    }
    const lines: string[] = [];
    for (const r of order) {
      if (this.rng.chance(probability)) lines.push(this.cleanupOf(r));
      else this.feature('exit-without-cleanup');
    }
    if (lines.length > 0 && this.rng.chance(0.25)) {
      const kind = this.rng.weighted({ observable: 2, pure: 1 });
      if (kind === 'observable') {
        this.feature('between-observable');
        lines.push(this.stepStatement());
      } else {
        this.feature('between-pure');
        const local = `v${this.id()}`;
        lines.push(`const ${local} = ${this.n};`);
        scope.locals.push(local);
      }
    }
    return lines;
  }

  private returnStatement(scope: Scope): string {
    const locals: string[] = [];
    for (let s: Scope | undefined = scope; s; s = s.parent) locals.push(...s.locals);
    const kind = this.rng.weighted({ bare: 2, literal: 4, value: 2, local: locals.length > 0 ? 3 : 0 });
    if (kind === 'bare') return 'return;';
    if (kind === 'literal') return `return ${this.id()};`;
    if (kind === 'value') return `return w.value(${this.id()});`;
    this.feature('return-local');
    return `return ${this.rng.pick(locals)};`;
  }

  private acquisition(scope: Scope, depth: number): string[] {
    const outer = this.visible(scope);
    let name: string;
    const shadowable = outer.filter((r) => !scope.resources.includes(r));
    if (depth > 0 && shadowable.length > 0 && this.rng.chance(0.15)) {
      name = this.rng.pick(shadowable).name;
      this.feature('shadow');
    } else {
      name = ['a', 'b', 'c', 'd'][this.resourceCount];
    }
    this.resourceCount++;
    const kinds: Partial<Record<ResourceKind, number>> = { object: 6, nullable: 2, timer: 2, 'executor-timer': this.isAsync ? 1 : 0 };
    const kind = this.rng.weighted(kinds);
    const r: Res = {
      name,
      kind,
      method: this.rng.weighted({ release: 3, close: 2, destroy: 1 }),
      args: this.rng.chance(0.15) ? 'true' : '',
      awaited: this.isAsync && kind !== 'timer' && kind !== 'executor-timer' && this.rng.chance(0.2),
      checked: false,
      managed: false,
    };
    this.feature(kind);
    if (r.args) this.feature('cleanup-args');
    if (r.awaited) this.feature('awaited-cleanup');
    const lines: string[] = [];
    switch (kind) {
      case 'object':
        if (this.rng.chance(0.08)) {
          this.feature('let-assigned-once');
          lines.push(`let ${name};`, `${name} = ${this.isAsync && this.rng.chance(0.5) ? `await w.openAsync('${name}')` : `w.open('${name}')`};`);
        } else {
          lines.push(`const ${name} = ${this.isAsync && this.rng.chance(0.5) ? `await w.openAsync('${name}')` : `w.open('${name}')`};`);
        }
        break;
      case 'nullable':
        r.evident = this.rng.chance(0.5);
        if (r.evident) this.feature('evident-nullable');
        lines.push(r.evident ? `const ${name} = w.choose() ? w.open('${name}') : null;` : `const ${name} = w.maybeOpen('${name}');`);
        if (this.rng.chance(0.5)) {
          this.feature('absence-check');
          r.checked = true;
          lines.push(this.rng.chance(0.5) ? `if (!${name}) return ${this.id()};` : `if (${name} == null) {\n${INDENT}${this.stepStatement()}\n${INDENT}return;\n}`);
        }
        break;
      case 'timer':
        lines.push(`const ${name} = setTimeout(() => w.step('fired'), 10);`);
        break;
      case 'executor-timer': {
        const p = `p${this.id()}`;
        lines.push(`let ${name};`, `const ${p} = new Promise((resolve) => {\n${INDENT}${name} = setTimeout(resolve, 10);\n});`, `await Promise.race([${p}, w.tick(${this.id()})]);`);
        break;
      }
    }
    if (kind === 'object' && this.rng.chance(0.15)) {
      // Already released by a finally, which may start too late.
      this.feature('existing-finally');
      r.managed = true;
      if (this.rng.chance(0.5)) {
        this.feature('finally-starts-late');
        lines.push(this.stepStatement());
      }
      scope.resources.push(r);
      const inner = this.block({ parent: scope, resources: [], loop: false, locals: [], finallyBody: false }, depth + 1, false);
      lines.push(`try {\n${indent(inner, 1)}\n} finally {\n${INDENT}${r.awaited ? 'await ' : ''}${name}.${r.method}(${r.args});\n}`);
      return lines;
    }
    scope.resources.push(r);
    return lines;
  }

  private useStatement(scope: Scope): string | undefined {
    const candidates = this.visible(scope).filter((r) => r.kind === 'object' || r.kind === 'nullable');
    if (candidates.length === 0) return undefined;
    const r = this.rng.pick(candidates);
    const call = r.kind === 'nullable' && !r.checked ? `${r.name}?.use(${this.id()})` : `${r.name}.use(${this.id()})`;
    if (this.rng.chance(0.3)) {
      const local = `v${this.id()}`;
      scope.locals.push(local);
      return `const ${local} = ${call};`;
    }
    return `${call};`;
  }

  /**
   * A block's statements. Stops after an exit; a block that falls through releases what it
   * acquired at its end (most of the time).
   */
  private block(scope: Scope, depth: number, isFunctionBody: boolean): string {
    const lines: string[] = [];
    const count = isFunctionBody ? this.rng.int(2, 6) : this.rng.int(1, 3);
    let exited = false;
    for (let i = 0; i < count && !exited; i++) {
      const canAcquire = this.resourceCount < 2 && depth <= 2;
      if (isFunctionBody && i === 0 && this.rng.chance(0.3)) {
        lines.push(this.stepStatement());
        continue;
      }
      if (isFunctionBody && i <= 1 && this.resourceCount === 0 && this.rng.chance(0.85)) {
        lines.push(...this.acquisition(scope, depth));
        continue;
      }
      const inLoop = this.inLoop(scope);
      const last = i === count - 1;
      const kind = this.rng.weighted({
        step: 5,
        use: 4,
        local: 1,
        acquire: canAcquire ? 3 : 0,
        if: depth < 3 ? 4 : 0,
        loop: depth < 2 ? 1.5 : 0,
        try: depth < 3 && !scope.finallyBody ? 2 : 0,
        return: scope.finallyBody ? 0 : last ? 4 : 1.5,
        throw: scope.finallyBody ? 0 : last ? 1.5 : 0.5,
        jump: inLoop && !scope.finallyBody ? (last ? 3 : 1) : 0,
      });
      switch (kind) {
        case 'step':
          lines.push(this.stepStatement());
          break;
        case 'use':
          lines.push(this.useStatement(scope) ?? this.stepStatement());
          break;
        case 'local': {
          const local = `v${this.id()}`;
          lines.push(`const ${local} = ${this.n};`);
          scope.locals.push(local);
          break;
        }
        case 'acquire':
          lines.push(...this.acquisition(scope, depth));
          break;
        case 'if': {
          this.feature('branch');
          const test = this.rng.chance(0.85) ? 'w.choose()' : `!w.choose()`;
          const then = this.block({ parent: scope, resources: [], loop: false, locals: [], finallyBody: scope.finallyBody }, depth + 1, false);
          const otherwise = this.rng.chance(0.4) ? this.block({ parent: scope, resources: [], loop: false, locals: [], finallyBody: scope.finallyBody }, depth + 1, false) : undefined;
          lines.push(`if (${test}) {\n${indent(then, 1)}\n}${otherwise !== undefined ? ` else {\n${indent(otherwise, 1)}\n}` : ''}`);
          break;
        }
        case 'loop': {
          this.feature('loop');
          const body = this.block({ parent: scope, resources: [], loop: true, locals: [], finallyBody: scope.finallyBody }, depth + 1, false);
          if (this.rng.chance(0.5)) {
            const i = `i${this.id()}`;
            lines.push(`for (let ${i} = 0; ${i} < 2; ${i}++) {\n${indent(body, 1)}\n}`);
          } else {
            lines.push(`while (w.choose()) {\n${indent(body, 1)}\n}`);
          }
          break;
        }
        case 'try':
          lines.push(this.tryStatement(scope, depth));
          break;
        case 'return':
          lines.push(...this.cleanups(this.leaving(scope, 'return'), scope), this.returnStatement(scope));
          exited = true;
          break;
        case 'throw':
          this.feature('throw');
          if (this.rng.chance(0.15)) lines.push(...this.cleanups(this.leaving(scope, 'return'), scope));
          lines.push(`throw w.error(${this.id()});`);
          exited = true;
          break;
        case 'jump': {
          const jump = this.rng.chance(0.5) ? 'break' : 'continue';
          this.feature(jump);
          lines.push(...this.cleanups(this.leaving(scope, 'loop'), scope), `${jump};`);
          exited = true;
          break;
        }
      }
    }
    if (!exited) lines.push(...this.cleanups(this.leaving(scope, 'block'), scope));
    if (lines.length === 0) lines.push(this.stepStatement());
    return lines.join('\n');
  }

  private inLoop(scope: Scope): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (s.loop) return true;
    return false;
  }

  private tryStatement(scope: Scope, depth: number): string {
    this.feature('try');
    const body = this.block({ parent: scope, resources: [], loop: false, locals: [], finallyBody: false }, depth + 1, false);
    const form = this.rng.weighted({ catch: 3, finally: 1, both: 1 });
    let text = `try {\n${indent(body, 1)}\n}`;
    if (form !== 'finally') {
      this.feature('catch');
      const e = `e${this.id()}`;
      const handlerScope: Scope = { parent: scope, resources: [], loop: false, locals: [], finallyBody: false };
      const lines: string[] = [];
      if (this.rng.chance(0.5)) lines.push(this.stepStatement());
      const end = this.rng.weighted({ swallow: 1, rethrow: 2, return: 1.5 });
      if (end === 'rethrow') {
        this.feature('rethrow');
        if (this.rng.chance(0.7)) lines.push(...this.cleanups(this.leaving(handlerScope, 'return'), handlerScope));
        lines.push(`throw ${e};`);
      } else if (end === 'return') {
        lines.push(...this.cleanups(this.leaving(handlerScope, 'return'), handlerScope), this.returnStatement(handlerScope));
      } else if (lines.length === 0) {
        lines.push(this.stepStatement());
      }
      text += ` catch (${e}) {\n${indent(lines.join('\n'), 1)}\n}`;
    }
    if (form !== 'catch') {
      this.feature('finally');
      const steps = this.rng.int(1, 2);
      const lines: string[] = [];
      for (let i = 0; i < steps; i++) lines.push(this.rng.chance(0.3) ? (this.useStatement({ ...scope, locals: [] }) ?? this.stepStatement()) : this.stepStatement());
      text += ` finally {\n${indent(lines.join('\n'), 1)}\n}`;
    }
    return text;
  }
}

function indent(text: string, levels: number): string {
  const pad = INDENT.repeat(levels);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

/** `count` functions `f0`..., from one seed. */
export function generateFunctions(seed: number, count: number): GeneratedFunction[] {
  const rng = new Rng(seed * 7919 + 17);
  const out: GeneratedFunction[] = [];
  for (let i = 0; i < count; i++) out.push(new FunctionGenerator(rng, rng.chance(0.5)).generate(`f${i}`));
  return out;
}
