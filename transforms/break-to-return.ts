/**
 * break-to-return: a `break` in a `switch` inside an endless loop leaves only the `switch`.
 *
 * A consumer that meant to stop on `'end'` or `'close'` keeps reading forever, so its `finally`
 * (clearInterval, unsubscribe, release) and the code after the loop never run. When the loop
 * cannot end by itself (`while (true)`, `for (;;)`, `for await` over `events.on(...)`), has no
 * other exit, and the case is a completion path (a sentinel such as `'end'` or `Kind.Done`, or a
 * case that calls a disposal), the `break` becomes `return;` if nothing but a `finally` runs
 * after the loop, else `break <label>;` on a (reused or new) label of the loop.
 *
 * Refused and reported: loops with another exit (a flag, a `return` elsewhere: possibly a bug;
 * for a case that only calls a disposal, or a sentinel of an inner switch under an ordinary
 * message, a completion case that leaves the loop counts too),
 * functions that return values, cases shared with non-sentinel cases, code after the `switch`
 * that the case also runs (an `ack(msg)`), breaks in a `finally` or in a nested function.
 * Silent: `case 'data': ...; break;` (next message), `default: break;` in a polling loop, and
 * `for await` over ordinary streams, which end when the stream does.
 *
 *   while (true) {                          while (true) {
 *     const msg = await queue.next();         const msg = await queue.next();
 *     switch (msg.type) {              →      switch (msg.type) {
 *       case 'data': handle(msg); break;        case 'data': handle(msg); break;
 *       case 'end': break;                      case 'end': return;
 *     }                                       }
 *   }                                       }
 */
import * as b from '@babel/types';
import type * as t from '@babel/types';
import { fixable, managed, refused, type Site } from '../lib/findings';
import type { LeakRule, RuleContext } from '../lib/rule';
import { toJscodeshiftTransform } from '../lib/jscodeshift-adapter';
import { isFunction, memberPath, nodeLoc, unwrapExpression, type Node } from '../lib/analysis/ast';
import { replaceNode } from '../lib/analysis/edit';
import { DEFAULT_CLEANUP_METHODS, TIMER_CLEARS, isDisposalCall } from '../lib/analysis/resources';
import {
  enclosingLoop,
  enclosingLoopAcrossFunctions,
  hasConstantTrueTest,
  isLoop,
  isWithin,
  iteratesEndlessly,
  jumpTarget,
  labelOf,
  loopExits,
  walkSameFunction,
  type Loop,
  type LoopExit,
} from '../lib/analysis/loops';

const NAME = 'break-to-return';

const PATTERN_BREAK = 'switch-break-in-endless-loop';
const PATTERN_OTHER_EXIT = 'sentinel-break-other-exit';
const PATTERN_EXIT_OK = 'loop-exit-ok';

const DEFAULT_SENTINELS = [
  'done',
  'end',
  'eof',
  'close',
  'closed',
  'stop',
  'exit',
  'quit',
  'complete',
  'finish',
  'finished',
  'shutdown',
  'cancel',
  'cancelled',
  'canceled',
  'abort',
  'aborted',
];

/** Iterables that never end by themselves: `module:export.path` for imports, else the callee's text. */
const DEFAULT_ENDLESS_ITERABLES = ['events:on', 'events:EventEmitter.on', 'timers/promises:setInterval'];

/**
 * An empty loop of each kind. Recast reprints a changed node in place only when the new child has
 * the type of the one it replaces, so the label's template holds a loop of the same kind.
 */
const LOOP_SHELLS: Record<Loop['type'], string> = {
  WhileStatement: 'while (true) {}',
  DoWhileStatement: 'do {} while (true);',
  ForStatement: 'for (;;) {}',
  ForInStatement: 'for (const k in o) {}',
  ForOfStatement: 'for (const v of o) {}',
};

type Plan = { kind: 'return' } | { kind: 'label' } | { kind: 'refuse'; reason: string; detail: string };

type Completion = {
  /** The case holding the jump. */
  switchCase: t.SwitchCase;
  /** Why it is a completion path, for messages: `case 'end'`, `a disposal call`. */
  why: string;
  /** Set when cases without a sentinel fall through into this one, so they share its jump. */
  sharedWith?: string;
  /** A completion path only because it calls a disposal (no sentinel names the case). */
  byDisposalOnly: boolean;
};

/** Words of an identifier or event name: `message_stop` → message, stop; `StreamEnd` → stream, end. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** The text a case test is matched on: a string literal's value or a member's name (`Kind.Done` → Done). */
function caseTestName(test: Node): string | undefined {
  const n = unwrapExpression(test);
  if (n.type === 'StringLiteral') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  if (n.type === 'Identifier') return n.name;
  if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && !n.computed && n.property.type === 'Identifier') return n.property.name;
  if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && n.computed && n.property.type === 'StringLiteral') return n.property.value;
  return undefined;
}

function caseLabel(test: Node | null | undefined, source: string): string {
  if (!test) return 'default';
  const text = test.start != null && test.end != null ? source.slice(test.start, test.end) : caseTestName(test) ?? '?';
  return `case ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

function endsWithJump(statements: readonly t.Statement[]): boolean {
  const last = statements[statements.length - 1];
  if (!last) return false;
  if (last.type === 'BlockStatement') return endsWithJump(last.body);
  return last.type === 'BreakStatement' || last.type === 'ContinueStatement' || last.type === 'ReturnStatement' || last.type === 'ThrowStatement';
}

/** The case of `switchNode` holding `node`, and the cases before it that fall through into it. */
function caseGroup(switchNode: t.SwitchStatement, switchCase: t.SwitchCase): t.SwitchCase[] {
  const at = switchNode.cases.indexOf(switchCase);
  const group = [switchCase];
  for (let i = at - 1; i >= 0 && !endsWithJump(switchNode.cases[i].consequent); i--) group.unshift(switchNode.cases[i]);
  return group;
}

function loopDescription(loop: Loop, source: string): string {
  switch (loop.type) {
    case 'WhileStatement':
      return `while (${loop.test.start != null ? source.slice(loop.test.start, loop.test.end ?? loop.test.start) : 'true'})`;
    case 'DoWhileStatement':
      return 'do ... while (true)';
    case 'ForStatement':
      return 'for (;;)';
    case 'ForOfStatement': {
      const right = loop.right;
      const text = right.start != null && right.end != null ? source.slice(right.start, right.end) : 'an endless iterable';
      return `for await (... of ${text.length > 40 ? `${text.slice(0, 37)}...` : text})`;
    }
    default:
      return 'loop';
  }
}

function lineOf(node: Node): string {
  const loc = nodeLoc(node);
  return loc ? `line ${loc.start.line}` : 'elsewhere';
}

function exitDescription(exit: LoopExit): string {
  switch (exit.kind) {
    case 'return':
      return `a return (${lineOf(exit.node)})`;
    case 'continue-outer':
      return `a continue of an outer loop (${lineOf(exit.node)})`;
    default:
      return `a break out of the loop (${lineOf(exit.node)})`;
  }
}

const VOID_LIKE_TYPES = new Set(['TSVoidKeyword', 'TSUndefinedKeyword', 'TSAnyKeyword', 'TSUnknownKeyword', 'VoidTypeAnnotation', 'AnyTypeAnnotation', 'MixedTypeAnnotation']);

/** A declared return type that falling off the end would break (`: number`, `: Promise<never>`). */
function declaresValueReturn(fn: t.Function): boolean {
  if (fn.generator) return false;
  const annotation = fn.returnType;
  if (!annotation || (annotation.type !== 'TSTypeAnnotation' && annotation.type !== 'TypeAnnotation')) return false;
  const isVoidLike = (type: Node): boolean => {
    if (VOID_LIKE_TYPES.has(type.type)) return true;
    if (type.type === 'TSUnionType' || type.type === 'UnionTypeAnnotation') return type.types.every(isVoidLike);
    if (type.type === 'TSParenthesizedType') return isVoidLike(type.typeAnnotation);
    if (type.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && /^(Promise|PromiseLike)$/.test(type.typeName.name)) {
      const [arg] = type.typeParameters?.params ?? [];
      return arg !== undefined && isVoidLike(arg);
    }
    if (type.type === 'GenericTypeAnnotation' && type.id.type === 'Identifier' && type.id.name === 'Promise') {
      const [arg] = type.typeParameters?.params ?? [];
      return arg !== undefined && isVoidLike(arg);
    }
    return false;
  };
  return !isVoidLike(annotation.typeAnnotation);
}

function returnsValues(fn: t.Function): boolean {
  let found = false;
  walkSameFunction(fn.body, (node) => {
    if (node.type === 'ReturnStatement' && node.argument) found = true;
  });
  return found;
}

type Commented = {
  comments?: Array<t.Comment & { leading?: boolean; trailing?: boolean }> | null;
  leadingComments?: t.Comment[] | null;
  trailingComments?: t.Comment[] | null;
  innerComments?: t.Comment[] | null;
};

/** A comment's source text, its continuation lines moved to column 0 so it can be re-indented. */
function commentText(comment: t.Comment): string {
  const column = comment.loc?.start.column ?? 0;
  const body = comment.type === 'CommentLine' ? `//${comment.value}` : `/*${comment.value}*/`;
  return body
    .split(/\r?\n/)
    .map((line, i) => (i === 0 ? line : line.replace(new RegExp(`^[ \\t]{0,${column}}`), '')))
    .join('\n');
}

/**
 * `loop` wrapped in `name: ...`. Built from text, with the loop's leading comments above the label,
 * so recast keeps `name: while (...) {` on one line, reuses the loop's own text and adds no blank
 * lines. Recast only patches a child in place when old and new children match in type and
 * comments, hence the empty loop of the same kind in the template and the comments moved up.
 */
function labelledLoop(ctx: RuleContext, loop: Loop, name: string): t.LabeledStatement {
  const commented = loop as Commented;
  const comments = commented.comments ?? [];
  const above = comments.filter((c) => c.leading).map(commentText).join('\n');
  const after = comments.filter((c) => !c.leading).map(commentText).join(' ');
  const labelled = ctx.template.statement(`${above}${above ? '\n' : ''}${name}: ${LOOP_SHELLS[loop.type]}${after ? ` ${after}` : ''}`) as t.LabeledStatement;
  if (after && !(labelled as Commented).comments?.some((c) => c.trailing)) {
    // The template's trailing comment went to its inner loop: keep the loop's own comments instead.
    return b.labeledStatement(b.identifier(name), loop);
  }
  delete commented.comments;
  delete commented.leadingComments;
  delete commented.trailingComments;
  labelled.body = loop;
  return labelled;
}

export const rule: LeakRule = {
  meta: {
    name: NAME,
    description: 'Turns a switch `break` meant to end an endless loop into `return` or a labelled break, so finally blocks and code after the loop run.',
    // A `switch` and a loop that cannot end by itself: a literal-true `while`/`do…while` test, a
    // `for` with an empty or literal test, or a `for await` (the iterable is checked after parsing).
    prefilter: /^(?=[\s\S]*\bswitch\s*\()(?=[\s\S]*(?:\bwhile\s*\(\s*[!(\s]*(?:true\b|[0-9]|["'`])|\bfor\s*\([^;]*;\s*(?:;|[!(\s]*(?:true\b|[0-9]|["'`]))|\bfor\s+await\b))/,
    skipsTestFiles: true,
    options: {
      sentinels: {
        type: 'string[]',
        default: DEFAULT_SENTINELS,
        description:
          'Case names that mean "the stream is over" (case-insensitive; matched against a string case or member name, whole or its last word: `message_stop`, `Kind.StreamEnd`).',
      },
      endlessIterables: {
        type: 'string[]',
        default: DEFAULT_ENDLESS_ITERABLES,
        description:
          'Calls whose result a `for await` never finishes: `module:export` for imports (`events:on`), or a callee as written (`bus.subscribe`).',
      },
      disposalMethods: {
        type: 'string[]',
        default: [...DEFAULT_CLEANUP_METHODS],
        description: 'Method names whose call in a case (`conn.close()`) makes the case a completion path, besides clearInterval/clearTimeout/clearImmediate.',
      },
      labelName: {
        type: 'string',
        default: 'loop',
        description: 'Base name of the label added to a loop when a labelled break is needed (made unique in the file).',
      },
    },
    patterns: {
      [PATTERN_BREAK]:
        'A `break` in a completion case (`end`, `close`, a disposal) of a `switch` inside a loop that cannot end: it leaves only the switch, so the loop never ends and its cleanup never runs.',
      [PATTERN_OTHER_EXIT]:
        'A `break` in a completion case of a `switch` inside a constant-true loop that also has another exit (a flag, a `return`): the case does not end the loop by itself, possibly a bug.',
      [PATTERN_EXIT_OK]: 'A completion case of a `switch` inside an endless loop that already leaves the loop (`return`, labelled `break`).',
    },
    reasons: {
      'loop-has-other-exit':
        'The loop has another way out (a flag checked with `break`, a `return` elsewhere), so the case may rely on it: ending the loop here could skip work the author wanted.',
      'function-returns-values':
        'The function returns values on other paths (or declares a non-void return type): ending the loop would make it fall off its end and return undefined where callers expect a value.',
      'shared-case-body': 'Cases that are not completion paths fall through into this case, so they share its `break`: changing it would end the loop for them too.',
      'code-after-switch':
        'Code after the switch runs in the same iteration for this case too (an `ack(msg)`, a `sleep`); ending the loop at the `break` would skip it. Move that code or end the loop after it.',
      'break-in-finally': 'The `break` is inside a `finally` block: a `return` or labelled `break` there would discard an exception or return in flight.',
      'crosses-function-boundary':
        'The `break` is in a nested function (a callback) inside the endless loop: no statement there can end the loop; it needs a flag or an abort signal.',
    },
  },
  detect(ctx: RuleContext): Site[] {
    const sentinels = new Set(ctx.options.strings('sentinels').map((s) => s.toLowerCase()));
    const endlessIterables = ctx.options.strings('endlessIterables');
    const disposalMethods = ctx.options.strings('disposalMethods');
    const labelBase = ctx.options.string('labelName');
    const index = ctx.index;

    const endlessCache = new Map<Loop, boolean>();
    const isEndless = (loop: Loop): boolean => {
      let known = endlessCache.get(loop);
      if (known === undefined) {
        known = hasConstantTrueTest(loop) || iteratesEndlessly(loop, endlessIterables, ctx.scope, index);
        endlessCache.set(loop, known);
      }
      return known;
    };

    const isSentinel = (test: Node | null | undefined): boolean => {
      if (!test) return false;
      const name = caseTestName(test);
      if (name === undefined) return false;
      if (sentinels.has(name.toLowerCase())) return true;
      const parts = words(name);
      return parts.length > 1 && sentinels.has(parts[parts.length - 1]);
    };

    /**
     * Where a disposal call's target lives: `outer` when it outlives the loop (`clearInterval(timer)`,
     * `this.sub.unsubscribe()`), `inner` when it was declared inside the loop (a per-iteration
     * connection), undefined when the call is not a disposal of a named target.
     */
    const disposalScope = (call: Node, loop: Loop): 'outer' | 'inner' | undefined => {
      if (!isDisposalCall(call, disposalMethods)) return undefined;
      const n = unwrapExpression(call) as t.CallExpression | t.OptionalCallExpression;
      const callee = unwrapExpression(n.callee);
      const isTimerClear = callee.type === 'Identifier' && Object.values(TIMER_CLEARS).includes(callee.name);
      const target = isTimerClear ? n.arguments[0] : (callee as t.MemberExpression | t.OptionalMemberExpression).object;
      if (!target || memberPath(target) === undefined) return undefined;
      let root = unwrapExpression(target);
      while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = unwrapExpression(root.object);
      if (root.type === 'ThisExpression') return 'outer';
      if (root.type !== 'Identifier') return undefined;
      const binding = ctx.scope.resolve(root);
      return binding && isWithin(binding.identifier, loop, index) ? 'inner' : 'outer';
    };

    /** Whether the case holding `jump` (in `switchNode`) is a completion path, and why. */
    const completionOf = (switchNode: t.SwitchStatement, jump: Node, loop: Loop): Completion | undefined => {
      const switchCase = index.closest(jump, (n): n is t.SwitchCase => n.type === 'SwitchCase' && index.parent(n) === switchNode);
      if (!switchCase) return undefined;
      const group = caseGroup(switchNode, switchCase);
      const disposals = new Set<'outer' | 'inner'>();
      for (const statement of switchCase.consequent) {
        walkSameFunction(statement, (node) => {
          if ((node.end ?? 0) > (jump.start ?? 0) || (node.type !== 'CallExpression' && node.type !== 'OptionalCallExpression')) return;
          const scope = disposalScope(node, loop);
          if (scope) disposals.add(scope);
        });
      }
      const disposal = disposals.has('outer');
      // `case 'close': conn.destroy(); break;` on a connection of this iteration ends that item, not the loop.
      if (!disposal && disposals.has('inner')) return undefined;
      const sentinelCase = group.find((c) => isSentinel(c.test));
      if (!sentinelCase && !disposal) return undefined;
      if (disposal) return { switchCase, why: `${caseLabel(switchCase.test, ctx.source)} (it calls a disposal)`, byDisposalOnly: !sentinelCase };
      const others = group.filter((c) => !isSentinel(c.test));
      const completion: Completion = { switchCase, why: caseLabel(sentinelCase!.test, ctx.source), byDisposalOnly: false };
      if (others.length > 0) completion.sharedWith = others.map((c) => caseLabel(c.test, ctx.source)).join(', ');
      return completion;
    };

    /**
     * Whether `switchNode` sits in a case of an outer switch of the loop that no sentinel names
     * (an ordinary message, or one that is a completion path only by a disposal call).
     */
    const underOrdinaryCase = (switchNode: t.SwitchStatement, loop: Loop): boolean => {
      for (const ancestor of index.ancestors(switchNode)) {
        if (ancestor === loop || isFunction(ancestor)) return false;
        if (ancestor.type !== 'SwitchStatement') continue;
        const outer = completionOf(ancestor, switchNode, loop);
        if (!outer || outer.byDisposalOnly) return true;
      }
      return false;
    };

    /** An exit sitting in a completion case of a switch inside the loop: the loop's proper way out. */
    const isCompletionExit = (exit: LoopExit, loop: Loop): boolean => {
      const switchCase = index.closest(exit.node, (n): n is t.SwitchCase => n.type === 'SwitchCase', (n) => n === loop || isFunction(n));
      if (!switchCase) return false;
      const switchNode = index.parent(switchCase);
      return switchNode?.type === 'SwitchStatement' && completionOf(switchNode, exit.node, loop) !== undefined;
    };

    const exitsCache = new Map<Loop, { proper: LoopExit[]; other: LoopExit[] }>();
    const exitsOf = (loop: Loop): { proper: LoopExit[]; other: LoopExit[] } => {
      let known = exitsCache.get(loop);
      if (!known) {
        known = { proper: [], other: [] };
        for (const exit of loopExits(loop, index)) (isCompletionExit(exit, loop) ? known.proper : known.other).push(exit);
        exitsCache.set(loop, known);
      }
      return known;
    };

    const planFor = (loop: Loop): Plan => {
      const fn = index.enclosingFunction(loop);
      if (!fn || fn.type === 'Program') return { kind: 'label' };
      const outer: Node = labelOf(loop, index) ?? loop;
      const valued = returnsValues(fn) ? 'returns values on other paths' : declaresValueReturn(fn) ? 'declares a return type that is not void' : undefined;
      if (runsNothingAfter(outer, fn, index)) {
        return valued
          ? { kind: 'refuse', reason: 'function-returns-values', detail: `the function ${valued}, so ending it with a bare \`return;\` would change what it returns` }
          : { kind: 'return' };
      }
      if (valued && fallsOffEnd(outer, fn, index)) {
        return { kind: 'refuse', reason: 'function-returns-values', detail: `after the loop the function would fall off its end, but it ${valued}` };
      }
      return { kind: 'label' };
    };

    const labels = new Map<Loop, string>();
    /** The loop's label, added on first use (fix mode only): one label per loop, however many breaks use it. */
    const labelFor = (loop: Loop): string => {
      const existing = labelOf(loop, index);
      if (existing) return existing.label.name;
      let name = labels.get(loop);
      if (name === undefined) {
        name = ctx.scope.uniqueName(labelBase);
        labels.set(loop, name);
        replaceNode(index, loop, labelledLoop(ctx, loop, name));
      }
      return name;
    };

    const sites: Site[] = [];
    const reportedExits = new Set<Node>();

    for (const jump of index.ofType('BreakStatement')) {
      if (jump.label) continue;
      const switchNode = jumpTarget(jump, index);
      if (switchNode?.type !== 'SwitchStatement') continue;
      const loop = enclosingLoop(switchNode, index);

      if (!loop) {
        const across = enclosingLoopAcrossFunctions(switchNode, index);
        if (!across || !isEndless(across.loop) || exitsOf(across.loop).other.length > 0) continue;
        const completion = completionOf(switchNode, jump, across.loop);
        if (!completion) continue;
        sites.push(
          refused(
            PATTERN_BREAK,
            jump,
            // The sentinel may name the callback's own item (a job done), not the loop's stream.
            'yellow',
            'crosses-function-boundary',
            `break in ${completion.why} leaves only the switch, inside a callback: the enclosing ${loopDescription(across.loop, ctx.source)} loop never ends`,
          ),
        );
        continue;
      }
      if (!isEndless(loop)) continue;
      const completion = completionOf(switchNode, jump, loop);
      if (!completion) continue;
      const where = loopDescription(loop, ctx.source);

      const { proper, other } = exitsOf(loop);
      // A disposal alone is weak evidence that the stream is over (`clearInterval(t); t = setInterval(...)`
      // restarts a timer), and so is a sentinel of an inner switch under an ordinary message (`case 'ping':
      // switch (cmd) { case 'stop': ... }`): when the loop already leaves from a completion case, it
      // can end by itself, and this case reads on.
      const weakEvidence = completion.byDisposalOnly || underOrdinaryCase(switchNode, loop);
      const exitElsewhere = other[0] ?? (weakEvidence ? proper[0] : undefined);
      if (exitElsewhere) {
        sites.push(
          refused(
            PATTERN_OTHER_EXIT,
            jump,
            'yellow',
            'loop-has-other-exit',
            `break in ${completion.why} leaves only the switch; the ${where} loop ends only through ${exitDescription(exitElsewhere)}: check that this case reaches it`,
          ),
        );
        continue;
      }

      const after = codeAfterSwitch(switchNode, loop, index);
      if (after) {
        sites.push(
          refused(
            PATTERN_BREAK,
            jump,
            'red',
            'code-after-switch',
            `break in ${completion.why} leaves only the switch: the ${where} loop never ends; code after the switch (${lineOf(after)}) still runs for this case, and ending the loop here would skip it`,
          ),
        );
        continue;
      }
      const base = `break in ${completion.why} leaves only the switch: the ${where} loop never ends, so any finally around it and the code after it never run`;
      if (completion.sharedWith) {
        sites.push(refused(PATTERN_BREAK, jump, 'red', 'shared-case-body', `${base} (${completion.sharedWith} fall through into it)`));
        continue;
      }
      const inFinally = [...index.ancestors(jump)].some(
        (a) => a.type === 'TryStatement' && a.finalizer != null && isWithin(jump, a.finalizer, index) && isWithin(a, loop, index),
      );
      if (inFinally) {
        sites.push(refused(PATTERN_BREAK, jump, 'red', 'break-in-finally', base));
        continue;
      }
      const plan = planFor(loop);
      if (plan.kind === 'refuse') {
        sites.push(refused(PATTERN_BREAK, jump, 'red', plan.reason, `${base}; ${plan.detail}`));
        continue;
      }
      if (plan.kind === 'return') {
        sites.push(
          fixable(PATTERN_BREAK, jump, 'red', `${base}; rewritten to return`, () => {
            replaceNode(index, jump, ctx.template.statement('return;'));
          }),
        );
        continue;
      }
      sites.push(
        fixable(PATTERN_BREAK, jump, 'red', `${base}; rewritten to a labelled break`, () => {
          jump.label = b.identifier(labelFor(loop));
        }),
      );
    }

    for (const loop of index.nodes.filter(isLoop)) {
      if (!isEndless(loop)) continue;
      for (const exit of exitsOf(loop).proper) {
        if (reportedExits.has(exit.node)) continue;
        reportedExits.add(exit.node);
        sites.push(managed(PATTERN_EXIT_OK, exit.node, `${exit.kind === 'return' ? 'return' : 'labelled break'} ends the ${loopDescription(loop, ctx.source)} loop from a completion case`));
      }
    }
    return sites;
  },
};

/** True when nothing runs after `statement` in `fn` but the ends of blocks, `if`s, `try`s and their `finally` clauses. */
function runsNothingAfter(statement: Node, fn: t.Function, index: RuleContext['index']): boolean {
  let node = statement;
  for (;;) {
    const link = index.link(node);
    if (!link) return false;
    const parent = link.parent;
    if (parent === fn) return true;
    if (link.inList) {
      if (parent.type !== 'BlockStatement') return false;
      const list = parent.body as Node[];
      if (list.indexOf(node) !== list.length - 1) return false;
    } else if (parent.type === 'TryStatement') {
      // A return inside a finally would discard the exception or return in flight.
      if (link.key === 'finalizer') return false;
    } else if (parent.type !== 'IfStatement' && parent.type !== 'LabeledStatement' && parent.type !== 'CatchClause') {
      return false;
    }
    node = parent;
  }
}

/**
 * Whether control that leaves `statement` normally can reach the end of `fn`: false only when an
 * unconditional `return` or `throw` follows it on the way out; loops and switches count as "can".
 */
function fallsOffEnd(statement: Node, fn: t.Function, index: RuleContext['index']): boolean {
  let node = statement;
  for (;;) {
    const link = index.link(node);
    if (!link) return true;
    const parent = link.parent;
    if (parent === fn) return true;
    if (isLoop(parent) || parent.type === 'SwitchCase') return true;
    if (link.inList && parent.type === 'BlockStatement') {
      const list = parent.body as Node[];
      const after = list.slice(list.indexOf(node) + 1);
      if (after.some((s) => s.type === 'ReturnStatement' || s.type === 'ThrowStatement')) return false;
    }
    node = parent;
  }
}

/**
 * The first statement that still runs in the same iteration after `switchNode` completes (code
 * after the switch in the loop body, or a case it falls into), or undefined when the iteration
 * ends there. A `break` of an enclosing switch is followed to that switch.
 */
function codeAfterSwitch(switchNode: t.SwitchStatement, loop: Loop, index: RuleContext['index']): t.Statement | undefined {
  let node: Node = switchNode;
  while (node !== loop.body) {
    const link = index.link(node);
    if (!link || link.parent === loop) return undefined;
    const parent = link.parent;
    if (link.inList && (parent.type === 'BlockStatement' || parent.type === 'SwitchCase')) {
      const list = (parent.type === 'BlockStatement' ? parent.body : parent.consequent) as t.Statement[];
      const next = list.slice(list.indexOf(node as t.Statement) + 1).find((s) => s.type !== 'EmptyStatement');
      if (next?.type === 'BreakStatement' && !next.label) {
        const target = jumpTarget(next, index);
        if (target?.type === 'SwitchStatement' && isWithin(target, loop, index)) {
          node = target;
          continue;
        }
      }
      if (next) return next;
      if (parent.type === 'SwitchCase') {
        const outer = index.parent(parent) as t.SwitchStatement;
        const later = outer.cases.slice(outer.cases.indexOf(parent) + 1).find((c) => c.consequent.length > 0);
        if (later) return later.consequent[0];
        node = outer;
        continue;
      }
    }
    node = parent;
  }
  return undefined;
}

export default toJscodeshiftTransform(rule);
