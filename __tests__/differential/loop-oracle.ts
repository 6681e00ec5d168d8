/**
 * The oracle of break-to-return's differential test: what a rewritten `break` must mean, built
 * independently of the transform's own analysis (its parse, its loops, its jump targets).
 *
 * The transform changes only jumps: an unlabelled `break` becomes `return;` or `break <label>;`
 * (and loops may gain labels). The intent of each changed `break` is "leave the loop around it",
 * so the oracle writes a reference program: the original with each changed `break` replaced by
 * `break <ref>;` on a label of its nearest enclosing loop. On every path:
 *
 *  1. the rewrite's trace equals the reference's (events, iterator closes, result or error):
 *     `return;` is right only where nothing but `finally` blocks runs after the loop, a label
 *     only where it names that loop;
 *  2. where the rewrite's trace differs from the original's (the fix changed behaviour), the
 *     original ran a changed `break`, then started the next iteration of the same loop with
 *     nothing in between (no code after the switch, no finally, no code after the loop), and
 *     never left that loop normally afterwards: it hung, or an exception ended the loop. That is
 *     the hang the transform claims to fix, and nothing else.
 *
 * Claim 2 is checked on an instrumented copy of the original: `mark` events before each changed
 * `break`, at the start of each such loop's body (`iter`), in its test and update (`head`), and
 * before and after the loop statement (`enter`, `exit`). Without the marks its trace must equal
 * the original's.
 */
import { parse } from '@babel/parser';
import type * as t from '@babel/types';
import { classify, sameTrace, type Comparison, type Oracle } from './harness';

type Node = t.Node;

interface Located {
  node: Node;
  /** Ancestors, nearest first. */
  ancestors: Node[];
}

const SKIPPED_KEYS = new Set(['loc', 'start', 'end', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'range']);

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SKIPPED_KEYS.has(key)) continue;
    const items: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of items) if (item && typeof item === 'object' && typeof (item as Node).type === 'string') out.push(item as Node);
  }
  return out;
}

/** Every node with its ancestors, in source order. */
function locate(root: Node): Located[] {
  const out: Located[] = [];
  const visit = (node: Node, ancestors: Node[]): void => {
    out.push({ node, ancestors });
    const inner = [node, ...ancestors];
    for (const child of children(node)) visit(child, inner);
  };
  visit(root, []);
  return out.sort((a, b) => (a.node.start ?? 0) - (b.node.start ?? 0));
}

type LoopNode = t.WhileStatement | t.DoWhileStatement | t.ForStatement | t.ForInStatement | t.ForOfStatement;

function isLoopNode(node: Node): node is LoopNode {
  return ['WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement'].includes(node.type);
}

function isFunctionNode(node: Node): boolean {
  return ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod'].includes(node.type);
}

function isJump(node: Node): node is t.BreakStatement | t.ContinueStatement | t.ReturnStatement {
  return node.type === 'BreakStatement' || node.type === 'ContinueStatement' || node.type === 'ReturnStatement';
}

function jumpText(node: t.BreakStatement | t.ContinueStatement | t.ReturnStatement): string {
  if (node.type === 'ReturnStatement') return node.argument ? 'return <value>' : 'return';
  return `${node.type === 'BreakStatement' ? 'break' : 'continue'}${node.label ? ` ${node.label.name}` : ''}`;
}

/** The nearest loop around a node in its own function. */
function nearestLoop(at: Located): LoopNode | undefined {
  for (const ancestor of at.ancestors) {
    if (isFunctionNode(ancestor)) return undefined;
    if (isLoopNode(ancestor)) return ancestor;
  }
  return undefined;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** `source` with the edits applied (insertions at one position keep their order). */
function applyEdits(source: string, edits: readonly Edit[]): string {
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => a.start - b.start || a.i - b.i);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += source.slice(at, edit.start) + edit.text;
    at = Math.max(at, edit.end);
  }
  return out + source.slice(at);
}

function parseFunction(source: string): t.File {
  return parse(source, { sourceType: 'script', allowReturnOutsideFunction: false });
}

interface LoopFacts {
  id: string;
  node: LoopNode;
  /** The label statement of the loop, if it has one. */
  label?: t.LabeledStatement;
  /** The statement that holds the loop's place in its list (the label, or the loop). */
  outer: Node;
  inList: boolean;
}

function loopFacts(loop: LoopNode, id: string, located: ReadonlyMap<Node, Located>): LoopFacts {
  const parent = located.get(loop)!.ancestors[0];
  const label = parent?.type === 'LabeledStatement' && parent.body === loop ? parent : undefined;
  const outer = label ?? loop;
  const holder = located.get(outer)!.ancestors[0];
  const inList =
    (holder?.type === 'BlockStatement' && holder.body.includes(outer as t.Statement)) ||
    (holder?.type === 'SwitchCase' && holder.consequent.includes(outer as t.Statement)) ||
    (holder?.type === 'Program' && holder.body.includes(outer as t.Statement));
  return { id, node: loop, label, outer, inList };
}

function freshName(base: string, source: string): string {
  let name = base;
  for (let i = 2; new RegExp(`\\b${name}\\b`).test(source); i++) name = `${base}${i}`;
  return name;
}

/** The reference program: each changed break leaves its loop by a label. */
function referenceProgram(source: string, changed: readonly t.BreakStatement[], loopOf: ReadonlyMap<t.BreakStatement, LoopFacts>): string {
  const edits: Edit[] = [];
  const labels = new Map<LoopFacts, string>();
  for (const jump of changed) {
    const loop = loopOf.get(jump)!;
    let label = labels.get(loop);
    if (label === undefined) {
      label = loop.label?.label.name ?? freshName(`intent_${loop.id}`, source);
      labels.set(loop, label);
      if (!loop.label) edits.push({ start: loop.node.start!, end: loop.node.start!, text: `${label}: ` });
    }
    const semicolon = source[jump.end! - 1] === ';' ? ';' : '';
    edits.push({ start: jump.start!, end: jump.end!, text: `break ${label}${semicolon}` });
  }
  return applyEdits(source, edits);
}

/** The original with marks: before each changed break, and around and inside each loop such a break is in. */
function instrumentedProgram(source: string, changed: readonly t.BreakStatement[], loopOf: ReadonlyMap<t.BreakStatement, LoopFacts>): string {
  const edits: Edit[] = [];
  const mark = (label: string): string => `w.mark(${JSON.stringify(label)})`;
  const done = new Set<LoopFacts>();
  changed.forEach((jump, i) => {
    const loop = loopOf.get(jump)!;
    edits.push({ start: jump.start!, end: jump.end!, text: `{ ${mark(`break ${i} ${loop.id}`)}; ${source.slice(jump.start!, jump.end!)} }` });
    if (done.has(loop)) return;
    done.add(loop);
    const node = loop.node;
    if (loop.inList) {
      edits.push({ start: loop.outer.start!, end: loop.outer.start!, text: `${mark(`enter ${loop.id}`)}; ` });
      edits.push({ start: loop.outer.end!, end: loop.outer.end!, text: ` ${mark(`exit ${loop.id}`)};` });
    }
    const head = (expression: t.Expression): Edit => ({
      start: expression.start!,
      end: expression.end!,
      text: `(${mark(`head ${loop.id}`)}, ${source.slice(expression.start!, expression.end!)})`,
    });
    if ((node.type === 'WhileStatement' || node.type === 'DoWhileStatement') && node.test.type !== 'BooleanLiteral') edits.push(head(node.test));
    if (node.type === 'ForStatement' && node.test) edits.push(head(node.test));
    if (node.type === 'ForStatement' && node.update) edits.push(head(node.update));
    if (node.body.type === 'BlockStatement') edits.push({ start: node.body.start! + 1, end: node.body.start! + 1, text: ` ${mark(`iter ${loop.id}`)};` });
    else edits.push({ start: node.body.start!, end: node.body.end!, text: `{ ${mark(`iter ${loop.id}`)}; ${source.slice(node.body.start!, node.body.end!)} }` });
  });
  return applyEdits(source, edits);
}

/** Events a loop makes between two iterations: its test, its update, its iterator's `next()`. */
function isHeadEvent(event: string, loopId: string): boolean {
  return event === `mark head ${loopId}` || event.startsWith('next ');
}

/**
 * Claim 2 on the instrumented original's trace, given the reference's: the broken part of the
 * claim, or undefined. Between the first changed break that runs and the next iteration, the
 * original may run only what the reference runs right after that break (the `finally` blocks the
 * break leaves, inside the loop) and the loop's head. (Later on the two runs have parted: the
 * reference left the loop there.) Timer clears are left out: the trace places them at the next
 * await (harness.ts `normalise`), which for the original may lie past the break.
 */
function claimViolation(allEvents: readonly string[], allReference: readonly string[]): string | undefined {
  const events = allEvents.filter((e) => !isTimerClear(e));
  const reference = allReference.filter((e) => !isTimerClear(e));
  const leftAfterBreak = new Set<string>();
  let ranChangedBreak = false;
  let unmarked = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (!event.startsWith('mark ')) unmarked++;
    const enter = /^mark enter (\S+)$/.exec(event);
    if (enter) leftAfterBreak.delete(enter[1]);
    const exit = /^mark exit (\S+)$/.exec(event);
    if (exit && leftAfterBreak.has(exit[1])) return 'the original leaves the loop normally after a break the rewrite changed (the loop has another exit)';
    const jump = /^mark break \d+ (\S+)$/.exec(event);
    if (!jump) continue;
    const first = !ranChangedBreak;
    ranChangedBreak = true;
    const loopId = jump[1];
    leftAfterBreak.add(loopId);
    if (!first) continue;
    const isSameLoopBreak = (e: string): boolean => e.startsWith('mark break ') && e.endsWith(` ${loopId}`);
    const unwound: string[] = [];
    let j = i + 1;
    for (; j < events.length && events[j] !== `mark iter ${loopId}` && events[j] !== 'hangs' && !isHeadEvent(events[j], loopId); j++) {
      if (!events[j].startsWith('mark ')) unwound.push(events[j]);
      else if (!isSameLoopBreak(events[j])) break;
    }
    while (j < events.length && (isHeadEvent(events[j], loopId) || isSameLoopBreak(events[j]))) j++;
    const next = events[j];
    if (next !== undefined && next !== `mark iter ${loopId}` && next !== 'hangs') {
      return `the original does not go on to the next iteration after a break the rewrite changed: ${next.split(' ')[0]} runs first`;
    }
    const leaving = reference.slice(unmarked, unmarked + unwound.length);
    if (!sameTrace(unwound, leaving)) {
      const at = unwound.findIndex((e, k) => e !== leaving[k]);
      return `code after the switch runs in the original where the rewrite leaves the loop: ${unwound[at].split(' ')[0]}`;
    }
  }
  return ranChangedBreak ? undefined : 'the rewrite changes the trace on a path where the original ran no changed break';
}

function isTimerClear(event: string): boolean {
  return event.startsWith('release timer#');
}

function withoutMarks(events: readonly string[]): string[] {
  return events.filter((e) => !e.startsWith('mark '));
}

/**
 * The jumps of the original that the rewrite changed, or why the rewrite is not a jump-for-jump
 * change (a jump added, removed, or changed into something other than `return;` / `break label;`).
 */
function changedBreaks(original: t.File, rewrite: t.File): t.BreakStatement[] | string {
  const before = locate(original).filter((l) => isJump(l.node)).map((l) => l.node as t.BreakStatement | t.ContinueStatement | t.ReturnStatement);
  const after = locate(rewrite).filter((l) => isJump(l.node)).map((l) => l.node as t.BreakStatement | t.ContinueStatement | t.ReturnStatement);
  if (before.length !== after.length) return `the rewrite has ${after.length} jumps where the original has ${before.length}`;
  const changed: t.BreakStatement[] = [];
  for (let i = 0; i < before.length; i++) {
    const was = jumpText(before[i]);
    const now = jumpText(after[i]);
    if (was === now) continue;
    const allowed = was === 'break' && (now === 'return' || (after[i].type === 'BreakStatement' && now !== 'break'));
    if (!allowed) return `the rewrite turns \`${was}\` into \`${now}\``;
    changed.push(before[i] as t.BreakStatement);
  }
  return changed;
}

/** break-to-return's oracle: the rewrite behaves as `break <its loop>` at each changed break, and fixes only hangs. */
export const breakToReturnOracle: Oracle = (fn, rewrite) => {
  let original: t.File;
  let rewritten: t.File;
  try {
    original = parseFunction(fn.source);
    rewritten = parseFunction(rewrite);
  } catch (error) {
    return { cause: 'output does not parse', detail: `${String(error)}\n${rewrite}` };
  }
  const changed = changedBreaks(original, rewritten);
  if (typeof changed === 'string') return { cause: 'rewrite changes more than unlabelled breaks', detail: changed };
  const located = new Map(locate(original).map((l) => [l.node, l]));
  const facts = new Map<LoopNode, LoopFacts>();
  const loopOf = new Map<t.BreakStatement, LoopFacts>();
  for (const jump of changed) {
    const loop = nearestLoop(located.get(jump)!);
    if (!loop) return { cause: 'rewrite changes a break that is in no loop of its function', detail: rewrite };
    if (!facts.has(loop)) facts.set(loop, loopFacts(loop, `loop${facts.size + 1}`, located));
    loopOf.set(jump, facts.get(loop)!);
  }
  const comparison: Comparison = {
    programs: { reference: referenceProgram(fn.source, changed, loopOf), instrumented: instrumentedProgram(fn.source, changed, loopOf) },
    async judge(runs, tally): Promise<string | undefined> {
      const { original: o, rewrite: r } = runs;
      const reference = await runs.run('reference');
      if (!sameTrace(reference.events, r.events)) return `rewrite is not \`break\` out of its loop: ${classify(reference.events, r.events, o.threw)}`;
      if (sameTrace(o.events, r.events)) return undefined;
      // Only paths the fix changes need the instrumented original.
      const instrumented = await runs.run('instrumented');
      if (!sameTrace(withoutMarks(instrumented.events), o.events)) return 'oracle: the instrumented original behaves differently (harness bug)';
      const violation = claimViolation(instrumented.events, reference.events);
      if (violation) return `fix changes a path the original did not hang on: ${violation}`;
      tally(o.hung ? 'fix ends a hang' : 'fix ends a loop the original left by an exception');
      return undefined;
    },
  };
  return comparison;
};
