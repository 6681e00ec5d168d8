/**
 * Control flow of a region: the statements from some point to the end of their block (or any list
 * of sibling statements). Answers the questions the transforms ask before moving code:
 *
 *  - which ways can control leave this region? (`regionExits`): each `return`, each `throw` and
 *    each expression that may throw, each `break`/`continue` whose target lies outside, and the
 *    fall-through end;
 *  - on each of those ways, what is known about some value? (`traceRegion`, path-sensitive): the
 *    caller supplies a small state domain (e.g. "resource released?") and a transfer function;
 *  - what was the last thing that touched something before leaving? (`lastTouches`);
 *  - can a statement or expression throw? (`canThrow`, an over-approximation); can statements
 *    fall through (`canCompleteNormally`) or leave early (`canCompleteAbruptly`)?
 *  - where does a `break`/`continue` jump to? (`jumpTarget`).
 *
 * Expressions are atomic: the tracer never looks inside them, so nested functions and
 * short-circuits are the domain's business. A statement the domain recognises whole (a guarded
 * cleanup `if (t) clearTimeout(t)`) can be taken over with `FlowDomain.statement`.
 *
 * Loops run to a fixpoint over the domain's state keys, so the domain must have finitely many keys.
 * Yields count as possible throws: the consumer can end a generator at any `yield`.
 */
import type * as t from '@babel/types';
import { isFunction, unwrapExpression, walk, type AstIndex, type Node } from './ast';

export type ExitKind = 'return' | 'break' | 'continue' | 'throw' | 'end';

export interface RegionExit<S> {
  kind: ExitKind;
  /**
   * The statement that leaves (`return`, `throw`, `break`, `continue`), the expression that may
   * throw, or, for `end`, the region's last statement.
   */
  node: Node;
  /** What the domain knew on this path when it left. */
  state: S;
}

export interface FlowDomain<S> {
  /** Identity of a state: states with the same key are merged. Keep the key set finite. */
  key(state: S): string;
  /** The state after evaluating `node` (an expression, a declaration, a class) as a whole. */
  evaluate(state: S, node: Node): S;
  /**
   * Optional: takes over a whole statement (returns the state after it) or declines (undefined).
   * Such a statement completes normally; if it may throw, its throw carries the state *after* it.
   */
  statement?(state: S, statement: t.Statement): S | undefined;
  /** Optional: one iteration step of a `for...of`/`for...in` (`for await` awaits here). */
  iterate?(state: S, loop: t.ForOfStatement | t.ForInStatement): S;
  /** Whether evaluating `node` may throw. Defaults to `canThrow(node)`. */
  mayThrow?(node: Node): boolean;
}

export interface RegionTrace<S> {
  exits: Array<RegionExit<S>>;
  /** Statements the tracer does not model (`with`); when non-empty, `exits` may be incomplete. */
  unsupported: Node[];
}

type Abrupt<S> = {
  kind: Exclude<ExitKind, 'end'>;
  node: Node;
  state: S;
  /** For break/continue: the loop, switch or labelled statement inside the region it jumps to. */
  target?: Node;
};

interface Flow<S> {
  normal: S[];
  abrupt: Array<Abrupt<S>>;
}

type Frame = { node: Node; kind: 'loop' | 'switch' | 'label'; labels: readonly string[] };

export type Loop = t.WhileStatement | t.DoWhileStatement | t.ForStatement | t.ForInStatement | t.ForOfStatement;

const MAX_LOOP_ROUNDS = 64;

export function isLoop(node: Node): node is Loop {
  switch (node.type) {
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
      return true;
    default:
      return false;
  }
}

/** `true`, `1`, or a `for` with no test: the loop never ends through its test. */
function isConstantTrue(test: Node | null | undefined): boolean {
  return !test || constantTruthiness(test) === true;
}

/** The truthiness of an expression that needs no evaluation (`true`, `1`, `!0`, `'x'`), else undefined. */
export function constantTruthiness(expression: Node): boolean | undefined {
  const n = unwrapExpression(expression);
  switch (n.type) {
    case 'BooleanLiteral':
      return n.value;
    case 'NumericLiteral':
      return n.value !== 0 && !Number.isNaN(n.value);
    case 'BigIntLiteral':
      return !/^0+$/.test(n.value);
    case 'StringLiteral':
      return n.value.length > 0;
    case 'NullLiteral':
      return false;
    case 'TemplateLiteral':
      return n.expressions.length === 0 ? (n.quasis[0]?.value.cooked ?? '').length > 0 : undefined;
    case 'UnaryExpression':
      if (n.operator === '!') {
        const inner = constantTruthiness(n.argument);
        return inner === undefined ? undefined : !inner;
      }
      if (n.operator === 'void') return false;
      return undefined;
    default:
      return undefined;
  }
}

class Tracer<S> {
  private readonly frames: Frame[] = [];
  readonly unsupported: Node[] = [];

  constructor(private readonly domain: FlowDomain<S>) {}

  private dedupe(states: readonly S[]): S[] {
    const seen = new Set<string>();
    const out: S[] = [];
    for (const state of states) {
      const key = this.domain.key(state);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(state);
      }
    }
    return out;
  }

  private mayThrow(node: Node): boolean {
    return this.domain.mayThrow ? this.domain.mayThrow(node) : canThrow(node);
  }

  /** Evaluates `node` on every state; records a throw (with the state before) when it may throw. */
  private evaluate(node: Node | null | undefined, states: readonly S[], abrupt: Array<Abrupt<S>>): S[] {
    if (!node) return [...states];
    const throws = this.mayThrow(node);
    return this.dedupe(
      states.map((state) => {
        if (throws) abrupt.push({ kind: 'throw', node, state });
        return this.domain.evaluate(state, node);
      }),
    );
  }

  sequence(statements: readonly t.Statement[], states: readonly S[]): Flow<S> {
    let normal = [...states];
    const abrupt: Array<Abrupt<S>> = [];
    for (const statement of statements) {
      if (normal.length === 0) break;
      const flow = this.statement(statement, normal);
      normal = flow.normal;
      abrupt.push(...flow.abrupt);
    }
    return { normal, abrupt };
  }

  private jumpTargetFrame(node: t.BreakStatement | t.ContinueStatement): Frame | undefined {
    const label = node.label?.name;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i];
      if (label !== undefined) {
        if (frame.labels.includes(label)) return frame;
      } else if (frame.kind === 'loop' || (frame.kind === 'switch' && node.type === 'BreakStatement')) {
        return frame;
      }
    }
    return undefined;
  }

  statement(statement: t.Statement, states: readonly S[], labels: readonly string[] = []): Flow<S> {
    const abrupt: Array<Abrupt<S>> = [];
    if (this.domain.statement) {
      const taken = states.map((state) => this.domain.statement!(state, statement));
      if (taken.every((s): s is S => s !== undefined)) {
        const after = this.dedupe(taken);
        if (this.mayThrow(statement)) for (const state of after) abrupt.push({ kind: 'throw', node: statement, state });
        return { normal: after, abrupt };
      }
    }
    switch (statement.type) {
      case 'ExpressionStatement':
        return { normal: this.evaluate(statement.expression, states, abrupt), abrupt };
      case 'VariableDeclaration':
      case 'ClassDeclaration':
        return { normal: this.evaluate(statement, states, abrupt), abrupt };
      case 'BlockStatement':
        return this.sequence(statement.body, states);
      case 'EmptyStatement':
      case 'DebuggerStatement':
      case 'FunctionDeclaration':
        return { normal: [...states], abrupt };
      case 'ReturnStatement': {
        const after = this.evaluate(statement.argument, states, abrupt);
        for (const state of after) abrupt.push({ kind: 'return', node: statement, state });
        return { normal: [], abrupt };
      }
      case 'ThrowStatement': {
        const after = this.evaluate(statement.argument, states, abrupt);
        for (const state of after) abrupt.push({ kind: 'throw', node: statement, state });
        return { normal: [], abrupt };
      }
      case 'BreakStatement':
      case 'ContinueStatement': {
        const frame = this.jumpTargetFrame(statement);
        const kind = statement.type === 'BreakStatement' ? 'break' : 'continue';
        for (const state of states) abrupt.push({ kind, node: statement, state, target: frame?.node });
        return { normal: [], abrupt };
      }
      case 'IfStatement': {
        const tested = this.evaluate(statement.test, states, abrupt);
        const consequent = this.statement(statement.consequent, tested);
        const alternate = statement.alternate ? this.statement(statement.alternate, tested) : { normal: tested, abrupt: [] };
        return { normal: this.dedupe([...consequent.normal, ...alternate.normal]), abrupt: [...abrupt, ...consequent.abrupt, ...alternate.abrupt] };
      }
      case 'LabeledStatement': {
        const allLabels = [...labels, statement.label.name];
        if (isLoop(statement.body) || statement.body.type === 'LabeledStatement') return this.statement(statement.body, states, allLabels);
        return this.withFrame({ node: statement, kind: 'label', labels: allLabels }, () => this.statement(statement.body, states));
      }
      case 'SwitchStatement':
        return this.switchStatement(statement, states, labels);
      case 'TryStatement':
        return this.tryStatement(statement, states);
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.loop(statement, states, labels);
      case 'ExportNamedDeclaration':
        return statement.declaration ? this.statement(statement.declaration, states) : { normal: [...states], abrupt };
      default:
        if (statement.type.startsWith('TS') || statement.type.startsWith('Declare') || statement.type === 'TypeAlias' || statement.type === 'InterfaceDeclaration' || statement.type === 'OpaqueType') {
          return { normal: this.evaluate(statement.type === 'TSEnumDeclaration' || statement.type === 'TSModuleDeclaration' ? statement : null, states, abrupt), abrupt };
        }
        if (statement.type === 'WithStatement') this.unsupported.push(statement);
        return { normal: this.evaluate(statement, states, abrupt), abrupt };
    }
  }

  private withFrame(frame: Frame, run: () => Flow<S>): Flow<S> {
    this.frames.push(frame);
    try {
      const flow = run();
      const normal = [...flow.normal];
      const abrupt: Array<Abrupt<S>> = [];
      for (const exit of flow.abrupt) {
        if (exit.target === frame.node && exit.kind === 'break') normal.push(exit.state);
        else abrupt.push(exit);
      }
      return { normal: this.dedupe(normal), abrupt };
    } finally {
      this.frames.pop();
    }
  }

  private switchStatement(statement: t.SwitchStatement, states: readonly S[], labels: readonly string[]): Flow<S> {
    return this.withFrame({ node: statement, kind: 'switch', labels }, () => {
      const abrupt: Array<Abrupt<S>> = [];
      const discriminated = this.evaluate(statement.discriminant, states, abrupt);
      let fallthrough: S[] = [];
      let hasDefault = false;
      for (const switchCase of statement.cases) {
        if (switchCase.test) this.evaluate(switchCase.test, discriminated, abrupt);
        else hasDefault = true;
        const flow = this.sequence(switchCase.consequent, this.dedupe([...discriminated, ...fallthrough]));
        fallthrough = flow.normal;
        abrupt.push(...flow.abrupt);
      }
      const normal = hasDefault ? fallthrough : [...fallthrough, ...discriminated];
      return { normal: this.dedupe(normal), abrupt };
    });
  }

  private tryStatement(statement: t.TryStatement, states: readonly S[]): Flow<S> {
    const block = this.sequence(statement.block.body, states);
    let normal = block.normal;
    let abrupt = block.abrupt;
    if (statement.handler) {
      const caught = this.dedupe(abrupt.filter((a) => a.kind === 'throw').map((a) => a.state));
      abrupt = abrupt.filter((a) => a.kind !== 'throw');
      const handler = caught.length > 0 ? this.sequence(statement.handler.body.body, caught) : { normal: [], abrupt: [] };
      normal = this.dedupe([...normal, ...handler.normal]);
      abrupt = [...abrupt, ...handler.abrupt];
    }
    if (!statement.finalizer) return { normal, abrupt };
    // Every completion runs the finalizer; if it completes normally, the completion goes on.
    const finalizer = statement.finalizer.body;
    const afterNormal = this.sequence(finalizer, normal);
    const out: Flow<S> = { normal: afterNormal.normal, abrupt: [...afterNormal.abrupt] };
    for (const pending of abrupt) {
      const flow = this.sequence(finalizer, [pending.state]);
      for (const state of flow.normal) out.abrupt.push({ ...pending, state });
      out.abrupt.push(...flow.abrupt);
    }
    return out;
  }

  private loop(statement: Loop, states: readonly S[], labels: readonly string[]): Flow<S> {
    return this.withFrame({ node: statement, kind: 'loop', labels }, () => {
      const abrupt: Array<Abrupt<S>> = [];
      const exitStates: S[] = [];
      let entry = [...states];
      if (statement.type === 'ForStatement' && statement.init) {
        entry = this.evaluate(statement.init, entry, abrupt);
      }
      if (statement.type === 'ForOfStatement' || statement.type === 'ForInStatement') entry = this.evaluate(statement.right, entry, abrupt);

      const seen = new Set<string>();
      let worklist = this.dedupe(entry);
      for (let round = 0; worklist.length > 0; round++) {
        if (round > MAX_LOOP_ROUNDS) {
          this.unsupported.push(statement);
          break;
        }
        for (const state of worklist) seen.add(this.domain.key(state));
        let bodyEntry: S[];
        if (statement.type === 'DoWhileStatement') {
          bodyEntry = worklist;
        } else if (statement.type === 'ForOfStatement' || statement.type === 'ForInStatement') {
          exitStates.push(...worklist); // no (more) items
          // Taking the next item runs the iterator's code (and awaits, in `for await`).
          if (statement.type === 'ForOfStatement') for (const state of worklist) abrupt.push({ kind: 'throw', node: statement, state });
          bodyEntry = this.dedupe(worklist.map((state) => (this.domain.iterate ? this.domain.iterate(state, statement) : state)));
        } else {
          bodyEntry = this.evaluate(statement.test, worklist, abrupt);
          if (!isConstantTrue(statement.test)) exitStates.push(...bodyEntry);
        }
        const body = this.statement(statement.body, bodyEntry);
        let next = [...body.normal];
        for (const exit of body.abrupt) {
          if (exit.kind === 'continue' && exit.target === statement) next.push(exit.state);
          else abrupt.push(exit);
        }
        if (statement.type === 'ForStatement') next = this.evaluate(statement.update, next, abrupt);
        if (statement.type === 'DoWhileStatement') {
          next = this.evaluate(statement.test, next, abrupt);
          if (!isConstantTrue(statement.test)) exitStates.push(...next);
        }
        worklist = this.dedupe(next).filter((state) => !seen.has(this.domain.key(state)));
      }
      return { normal: this.dedupe(exitStates), abrupt };
    });
  }
}

/**
 * Follows every path through `statements` from `entry` and returns how each path leaves: the
 * region's exits with the domain's state on that path. Throws caught inside the region flow into
 * their `catch`; `finally` blocks run on every completion that passes through them.
 */
export function traceRegion<S>(statements: readonly t.Statement[], entry: S, domain: FlowDomain<S>): RegionTrace<S> {
  const tracer = new Tracer(domain);
  const flow = tracer.sequence(statements, [entry]);
  const exits: Array<RegionExit<S>> = flow.abrupt.map(({ kind, node, state }) => ({ kind, node, state }));
  const last = statements[statements.length - 1];
  if (last) for (const state of flow.normal) exits.push({ kind: 'end', node: last, state });
  const seen = new Set<string>();
  const unique = exits.filter((exit) => {
    const key = `${exit.kind}|${exit.node.start ?? ''}:${exit.node.end ?? ''}:${exit.node.type}|${domain.key(exit.state)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { exits: unique, unsupported: tracer.unsupported };
}

const STATELESS: FlowDomain<null> = { key: () => '', evaluate: () => null };

/** Every way control can leave `statements` (no state tracked). */
export function regionExits(statements: readonly t.Statement[], options: { mayThrow?: (node: Node) => boolean } = {}): Array<RegionExit<null>> {
  return traceRegion(statements, null, { ...STATELESS, mayThrow: options.mayThrow }).exits;
}

/** True when `statements` can run to their end (fall through) on some path. */
export function canCompleteNormally(statements: readonly t.Statement[]): boolean {
  return regionExits(statements, { mayThrow: () => false }).some((exit) => exit.kind === 'end');
}

/**
 * True when `statements` can leave other than by falling through on some path: a `return`, a
 * `break`/`continue` to a target outside, an explicit `throw`. Calls that may throw do not count.
 */
export function canCompleteAbruptly(statements: readonly t.Statement[]): boolean {
  return regionExits(statements, { mayThrow: () => false }).some((exit) => exit.kind !== 'end');
}

/**
 * For each way out of `statements`, the last evaluated unit (expression, declaration, or
 * statement taken whole) for which `touches` holds, or null when nothing touched on that path.
 * Example: the last thing that touches `client` before each `return`.
 */
export function lastTouches(
  statements: readonly t.Statement[],
  touches: (node: Node) => boolean,
  options: { mayThrow?: (node: Node) => boolean } = {},
): Array<RegionExit<Node | null>> {
  const ids = new Map<Node, number>();
  const id = (node: Node | null): string => {
    if (!node) return '-';
    if (!ids.has(node)) ids.set(node, ids.size);
    return String(ids.get(node));
  };
  return traceRegion<Node | null>(statements, null, {
    key: id,
    evaluate: (state, node) => (touches(node) ? node : state),
    mayThrow: options.mayThrow,
  }).exits;
}

/**
 * The statement a `break`/`continue` transfers control to: the labelled statement (or labelled
 * loop), else the nearest loop (or `switch`, for `break`). Undefined when the jump would cross a
 * function boundary (a syntax error) or has no target.
 */
export function jumpTarget(jump: t.BreakStatement | t.ContinueStatement, index: AstIndex): Node | undefined {
  const label = jump.label?.name;
  for (const ancestor of index.ancestors(jump)) {
    if (isFunction(ancestor) || ancestor.type === 'Program' || ancestor.type === 'StaticBlock') return undefined;
    if (label !== undefined) {
      if (ancestor.type === 'LabeledStatement' && ancestor.label.name === label) {
        let body: Node = ancestor.body;
        while (body.type === 'LabeledStatement') body = body.body;
        return jump.type === 'ContinueStatement' ? body : ancestor;
      }
    } else if (isLoop(ancestor) || (ancestor.type === 'SwitchStatement' && jump.type === 'BreakStatement')) {
      return ancestor;
    }
  }
  return undefined;
}

/** True when `node` lies inside `container` (or is it). Uses source ranges when both have them. */
export function isWithin(node: Node, container: Node, index?: AstIndex): boolean {
  if (node === container) return true;
  if (index) {
    for (const ancestor of index.ancestors(node)) if (ancestor === container) return true;
    return false;
  }
  return node.start != null && container.start != null && node.start >= container.start && (node.end ?? 0) <= (container.end ?? 0);
}

export interface CanThrowOptions {
  /** Calls known not to throw (e.g. the global `clearTimeout`). */
  safeCall?: (call: t.CallExpression | t.OptionalCallExpression) => boolean;
}

/**
 * Whether evaluating `node` may throw (or, for `yield`, end the function). An over-approximation:
 * calls, `new`, `await`, `yield`, tagged templates, spreads, destructuring, `in`/`instanceof`,
 * `delete`, JSX, and member access on anything but `this` may throw. Plain identifier reads,
 * literals, arithmetic and creating functions are taken not to. Nested function bodies are not
 * evaluated, so they do not count.
 */
export function canThrow(node: Node, options: CanThrowOptions = {}): boolean {
  let throws = false;
  walk(node, (n) => {
    if (throws) return false;
    if (n !== node && isFunction(n)) return false;
    switch (n.type) {
      case 'CallExpression':
      case 'OptionalCallExpression':
        if (!options.safeCall?.(n)) throws = true;
        return undefined;
      case 'NewExpression':
      case 'AwaitExpression':
      case 'YieldExpression':
      case 'TaggedTemplateExpression':
      case 'SpreadElement':
      case 'ObjectPattern':
      case 'ArrayPattern':
      case 'ImportExpression':
      case 'JSXElement':
      case 'JSXFragment':
      case 'ThrowStatement':
      case 'ClassDeclaration':
      case 'ClassExpression':
        throws = true;
        return false;
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        if (n.object.type !== 'ThisExpression' && n.object.type !== 'Super') throws = true;
        return undefined;
      case 'BinaryExpression':
        if (n.operator === 'in' || n.operator === 'instanceof') throws = true;
        return undefined;
      case 'UnaryExpression':
        if (n.operator === 'delete') throws = true;
        return undefined;
      case 'ForOfStatement':
        if (n.await) throws = true;
        return undefined;
      default:
        return undefined;
    }
  });
  return throws;
}
