/**
 * A seeded generator of small sync and async functions in the shapes break-to-return looks at:
 * `while (true)`, `for (;;)`, `do ... while (true)`, `for await` over an endless subscription or
 * an ordinary stream, `for...of` and `while (w.choose())` loops around a `switch` on the message
 * type, with sentinel cases (`'end'`, `'close'`, `'message_stop'`) and data cases.
 *
 * Around them: one or two resources (acquired before the loop and released in a `finally`, after
 * the loop or in a case; or acquired in each iteration with its own `try/finally`), `try/finally`
 * and `try/catch` around the loop or inside it, nested loops and labels, breaks under branches,
 * `continue`, early returns (bare and with values), throws, code after the switch and after the
 * loop (none, a return of a local, a statement with an effect), nested switches, fall-through
 * cases, `default`, breaks in a `finally` and in callbacks.
 *
 * Every loop iteration starts with a call into the world outside any `try` of that loop (the
 * queue read, the iterator's `next()`, the `w.choose()` test), so once the world hangs or runs
 * out of branch answers every loop ends: runs terminate (see loop-world.ts).
 */
import { Rng, type GeneratedFunction } from './generate';
import { COMPLETION_TYPES } from './loop-world';

/** The callee break-to-return must be told is endless (its `endlessIterables` option). */
export const ENDLESS_SUBSCRIPTION = 'w.subscribe';

const DATA_TYPES = ['data', 'ping', 'item'];

type LoopKind = 'while-true' | 'for-ever' | 'do-while' | 'subscription' | 'stream' | 'for-of' | 'while-choose';

interface Outer {
  name: string;
  /** The statement that releases it (`a.release();`, `clearInterval(a);`). */
  release: string;
}

interface LoopScope {
  depth: number;
  /** Labels of the enclosing loops, innermost first. */
  labels: string[];
}

const INDENT = '  ';

function indent(text: string, levels = 1): string {
  const pad = INDENT.repeat(levels);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

function block(lines: readonly string[]): string {
  return `{\n${indent(lines.join('\n'))}\n}`;
}

class LoopFunctionGenerator {
  private n = 0;
  private loops = 0;
  private readonly features = new Set<string>();
  /** Resources acquired before the outermost loop: a case may dispose of them. */
  private readonly outer: Outer[] = [];
  private innerResources = 0;

  constructor(
    private readonly rng: Rng,
    private readonly isAsync: boolean,
  ) {}

  private id(): number {
    return ++this.n;
  }

  private feature(name: string): void {
    this.features.add(name);
  }

  /** A step; `await`ed sometimes in async code, never inside a (synchronous) callback. */
  private step(inCallback = false): string {
    return this.isAsync && !inCallback && this.rng.chance(0.3) ? `await w.tick(${this.id()});` : `w.step(${this.id()});`;
  }

  generate(name: string): GeneratedFunction {
    const lines: string[] = [];
    if (this.rng.chance(0.3)) lines.push(this.step());
    let local: string | undefined;
    if (this.rng.chance(0.25)) {
      local = `v${this.id()}`;
      lines.push(`const ${local} = ${this.rng.chance(0.5) ? this.n : `w.value(${this.n})`};`);
    }
    if (this.rng.chance(0.7)) lines.push(this.acquire('a'));
    if (this.rng.chance(0.15)) lines.push(this.acquire('c'));
    const loop = this.loop({ depth: 0, labels: [] });
    const around = this.rng.weighted({ none: 3, finally: 3, catch: 1, both: 1 });
    const [released, ...kept] = this.outer;
    let releasedInFinally = false;
    if (around === 'none') lines.push(loop);
    else {
      this.feature(`try-${around}-around-loop`);
      const body = [loop];
      if (this.rng.chance(0.2)) {
        this.feature('code-after-loop-in-try');
        body.push(this.step());
      }
      let text = `try ${block(body)}`;
      if (around === 'catch' || around === 'both') {
        const e = `e${this.id()}`;
        const handler = [this.step()];
        const end = this.rng.weighted({ rethrow: 2, swallow: 1, return: 1 });
        if (end === 'rethrow') handler.push(`throw ${e};`);
        if (end === 'return') handler.push(this.rng.chance(0.5) ? 'return;' : `return ${this.id()};`);
        text += ` catch (${e}) ${block(handler)}`;
      }
      if (around === 'finally' || around === 'both') {
        const cleanup = released && this.rng.chance(0.85) ? [released.release] : [this.step()];
        releasedInFinally = cleanup[0] === released?.release;
        text += ` finally ${block(cleanup)}`;
      }
      lines.push(text);
    }
    const after = this.rng.weighted({ none: 4, step: 2, release: released && !releasedInFinally ? 2 : 0, returnLocal: local ? 1 : 0, returnValue: 1, returnBare: 0.5 });
    if (after !== 'none') this.feature(`after-loop-${after}`);
    if (after === 'step') lines.push(this.step());
    if (after === 'release') lines.push(released.release);
    for (const r of kept) if (this.rng.chance(0.5)) lines.push(r.release);
    if (after === 'returnLocal') lines.push(`return ${local};`);
    if (after === 'returnValue') lines.push(`return w.value(${this.id()});`);
    if (after === 'returnBare') lines.push('return;');
    const source = `${this.isAsync ? 'async ' : ''}function ${name}(w) {\n${indent(lines.join('\n'))}\n}`;
    return { name, source, async: this.isAsync, features: [...this.features].sort() };
  }

  private acquire(name: string): string {
    if (this.rng.chance(0.35)) {
      this.feature('interval');
      this.outer.push({ name, release: `clearInterval(${name});` });
      return `const ${name} = setInterval(() => w.step('tick'), 10);`;
    }
    const method = this.rng.pick(['release', 'close', 'destroy']);
    this.outer.push({ name, release: `${name}.${method}();` });
    return `const ${name} = ${this.isAsync && this.rng.chance(0.4) ? `await w.openAsync('${name}')` : `w.open('${name}')`};`;
  }

  private loopKind(): LoopKind {
    return this.rng.weighted<LoopKind>({
      'while-true': 4,
      'for-ever': 2,
      'do-while': 1,
      subscription: this.isAsync ? 4 : 0,
      stream: this.isAsync ? 1 : 0,
      'for-of': 1,
      'while-choose': 1,
    });
  }

  /** Message types of one loop: one or two data types and usually a sentinel. */
  private types(): string[] {
    const data = this.rng.chance(0.5) ? [this.rng.pick(DATA_TYPES)] : DATA_TYPES.slice(0, 2);
    const sentinels = this.rng.chance(0.9) ? [this.rng.pick(COMPLETION_TYPES)] : [];
    return this.rng.chance(0.5) ? [...data, ...sentinels] : [...sentinels, ...data];
  }

  private loop(scope: LoopScope): string {
    const kind = this.loopKind();
    this.feature(kind);
    const id = ++this.loops;
    const source = `L${id}`;
    const message = `m${id}`;
    const types = this.types();
    const typeArgs = [`'${source}'`, ...types.map((t) => `'${t}'`)].join(', ');
    const label = this.rng.chance(0.2) ? `outer${id}` : undefined;
    if (label) this.feature('existing-label');
    const inner: LoopScope = { depth: scope.depth + 1, labels: label ? [label, ...scope.labels] : scope.labels };
    const body: string[] = [];
    let head: string;
    switch (kind) {
      case 'while-true':
        head = 'while (true)';
        break;
      case 'for-ever':
        head = this.rng.chance(0.3) ? `for (let i${id} = 0; ; i${id}++)` : 'for (;;)';
        break;
      case 'do-while':
        head = 'do';
        break;
      case 'subscription':
        head = `for await (const ${message} of ${ENDLESS_SUBSCRIPTION}(${typeArgs}))`;
        break;
      case 'stream':
        head = `for await (const ${message} of w.stream(${typeArgs}))`;
        break;
      case 'for-of':
        head = `for (const ${message} of w.items(${typeArgs}))`;
        break;
      case 'while-choose':
        head = 'while (w.choose())';
        break;
    }
    if (kind === 'while-true' || kind === 'for-ever' || kind === 'do-while') body.push(`const ${message} = ${this.isAsync && this.rng.chance(0.5) ? 'await ' : ''}w.receive(${typeArgs});`);
    if (kind === 'while-choose') body.push(`const ${message} = w.message(${types.map((t) => `'${t}'`).join(', ')});`);
    body.push(...this.iteration(message, types, inner));
    const text = kind === 'do-while' ? `do ${block(body)} while (true);` : `${head} ${block(body)}`;
    return label ? `${label}: ${text}` : text;
  }

  /** The rest of one iteration after the read: maybe a resource of its own, the switch, code after it. */
  private iteration(message: string, types: readonly string[], scope: LoopScope): string[] {
    const lines: string[] = [];
    if (this.rng.chance(0.25)) lines.push(this.step());
    const core: string[] = [];
    if (scope.depth < 2 && this.rng.chance(0.12)) {
      this.feature('nested-loop-in-body');
      core.push(this.loop(scope));
    } else {
      core.push(this.switchStatement(message, types, scope));
    }
    const afterSwitch = this.rng.weighted({ none: 8, step: 1.5, flagBreak: 0.7, choiceContinue: 0.5 });
    if (afterSwitch === 'step') {
      this.feature('code-after-switch');
      core.push(this.step());
    }
    if (afterSwitch === 'flagBreak') {
      this.feature('other-exit-after-switch');
      core.push('if (w.choose()) break;');
    }
    if (afterSwitch === 'choiceContinue') {
      this.feature('continue-after-switch');
      core.push('if (w.choose()) continue;', this.step());
    }
    const wrap = this.rng.weighted({ none: 6, resource: this.innerResources < 1 ? 1.5 : 0, finally: 1, catch: 0.7, finallySwitch: 0.3 });
    if (wrap === 'resource') {
      this.feature('resource-per-iteration');
      this.innerResources++;
      const name = 'b';
      lines.push(`const ${name} = w.open('${name}');`, `try ${block(core)} finally ${block([`${name}.release();`])}`);
    } else if (wrap === 'finally') {
      this.feature('try-finally-in-loop');
      lines.push(`try ${block(core)} finally ${block([this.step()])}`);
    } else if (wrap === 'catch') {
      this.feature('try-catch-in-loop');
      const e = `e${this.id()}`;
      lines.push(`try ${block(core)} catch (${e}) ${block([this.step()])}`);
    } else if (wrap === 'finallySwitch') {
      this.feature('break-in-finally');
      lines.push(`try ${block(core)} finally ${block([`switch (w.kind('more', 'close')) ${block(["case 'close':", indent('break;'), 'default:', indent(this.step())])}`])}`);
    } else {
      lines.push(...core);
    }
    return lines;
  }

  private switchStatement(message: string, types: readonly string[], scope: LoopScope): string {
    const cases: string[] = [];
    let pendingFallThrough: string | undefined;
    types.forEach((type, i) => {
      const isLast = i === types.length - 1 && !this.rng.chance(0.2);
      const sentinel = COMPLETION_TYPES.includes(type);
      if (!sentinel && !isLast && this.rng.chance(0.12)) {
        // `case 'ping': case 'end':` falls into the next case and shares its break.
        this.feature('fall-through');
        pendingFallThrough = `case '${type}':`;
        return;
      }
      const head = [...(pendingFallThrough ? [pendingFallThrough] : []), `case '${type}':`];
      pendingFallThrough = undefined;
      cases.push(...head, indent(this.caseBody(message, sentinel, scope, isLast).join('\n')));
    });
    if (pendingFallThrough) cases.push(pendingFallThrough, indent(this.step()));
    if (this.rng.chance(0.2)) {
      this.feature('default');
      cases.push('default:', indent(this.rng.chance(0.5) ? 'break;' : `${this.step()}\nbreak;`));
    }
    return `switch (${message}.type) ${block(cases)}`;
  }

  private caseBody(message: string, sentinel: boolean, scope: LoopScope, isLast: boolean): string[] {
    const lines: string[] = [];
    const disposable = this.outer.filter(() => this.rng.chance(sentinel ? 0.3 : 0.06));
    for (const r of disposable) {
      this.feature(sentinel ? 'disposal-in-sentinel-case' : 'disposal-in-data-case');
      lines.push(r.release);
    }
    if (this.rng.chance(sentinel ? 0.4 : 0.7)) lines.push(this.step());
    const end = this.rng.weighted({
      break: 6,
      fallOff: isLast ? 1 : 0,
      continue: sentinel ? 0.3 : 1,
      branchBreak: 1.5,
      return: sentinel ? 1 : 0.3,
      returnValue: 0.3,
      throw: 0.4,
      outerBreak: scope.labels.length > 0 ? 0.6 : 0,
      nestedSwitch: scope.depth < 3 ? 0.6 : 0,
      nestedLoop: scope.depth < 2 ? 0.4 : 0,
      callback: 0.4,
    });
    this.feature(`${sentinel ? 'sentinel' : 'data'}-${end}`);
    switch (end) {
      case 'break':
        lines.push('break;');
        break;
      case 'fallOff':
        if (lines.length === 0) lines.push(this.step());
        break;
      case 'continue':
        lines.push('continue;');
        break;
      case 'branchBreak':
        lines.push(`if (w.choose()) ${block([this.step(), 'break;'])}`, this.step(), 'break;');
        break;
      case 'return':
        lines.push('return;');
        break;
      case 'returnValue':
        lines.push(`return ${this.id()};`);
        break;
      case 'throw':
        lines.push(`throw w.error(${this.id()});`);
        break;
      case 'outerBreak':
        lines.push(`break ${this.rng.pick(scope.labels)};`);
        break;
      case 'nestedSwitch': {
        const stop = this.rng.pick(COMPLETION_TYPES);
        lines.push(`switch (w.kind('pause', '${stop}')) ${block(["case 'pause':", indent(`${this.step()}\nbreak;`), `case '${stop}':`, indent('break;')])}`, 'break;');
        break;
      }
      case 'nestedLoop':
        lines.push(this.loop(scope), 'break;');
        break;
      case 'callback':
        lines.push(`w.call(() => ${block([`switch (${message}.type) ${block([`case '${this.rng.pick(COMPLETION_TYPES)}':`, indent(`${this.step(true)}\nbreak;`), 'default:', indent('break;')])}`])});`, 'break;');
        break;
    }
    return lines;
  }
}

/** `count` functions `f0`..., from one seed. */
export function generateLoopFunctions(seed: number, count: number): GeneratedFunction[] {
  const rng = new Rng(seed * 104729 + 31);
  const out: GeneratedFunction[] = [];
  for (let i = 0; i < count; i++) out.push(new LoopFunctionGenerator(rng, rng.chance(0.55)).generate(`f${i}`));
  return out;
}
