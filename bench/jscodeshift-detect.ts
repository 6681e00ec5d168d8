/**
 * Benchmark run (c): the jscodeshift transform a user would write to find what leakfix's four
 * detectors look for, with jscodeshift's Collection API. It finds and returns nothing (`--dry`):
 *  - timer calls: `setInterval`/`setTimeout` (bare or on window/globalThis/global/self) and the
 *    `clearInterval`/`clearTimeout` calls that could stop them (supervise-intervals);
 *  - `switch` statements inside a loop whose cases `break` (break-to-return);
 *  - cleanup calls `x.close()`, `x.release()`, ... and whether a `finally` holds them (cleanup-to-finally);
 *  - call statements whose promise nobody awaits, returns or chains (track-async).
 * The parser is picked per file with leakfix's own table (lib/parsers.ts), so both tools parse
 * every file with the same grammar and options.
 */
import type { API, ASTPath, FileInfo, Parser } from 'jscodeshift';
import { parserForFile, recastParser } from '../lib/parsers';
import { DEFAULT_CLEANUP_METHODS } from '../lib/analysis/resources';

const TIMERS = new Set(['setInterval', 'setTimeout', 'clearInterval', 'clearTimeout']);
const GLOBAL_OBJECTS = new Set(['window', 'globalThis', 'global', 'self']);
const CLEANUP = new Set(DEFAULT_CLEANUP_METHODS);
const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

interface Found {
  timers: number;
  switchesInLoops: number;
  cleanupCalls: number;
  cleanupInFinally: number;
  floatingCalls: number;
}

function calleeName(callee: unknown): string | undefined {
  const node = callee as { type: string; name?: string; object?: { type: string; name?: string }; property?: { type: string; name?: string } };
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && node.property?.type === 'Identifier') return node.property.name;
  return undefined;
}

function isGlobalTimer(callee: unknown): boolean {
  const node = callee as { type: string; name?: string; object?: { type: string; name?: string }; property?: { type: string; name?: string } };
  if (node.type === 'Identifier') return TIMERS.has(node.name ?? '');
  return (
    node.type === 'MemberExpression' &&
    node.object?.type === 'Identifier' &&
    GLOBAL_OBJECTS.has(node.object.name ?? '') &&
    TIMERS.has(node.property?.name ?? '')
  );
}

function inLoop(path: ASTPath): boolean {
  for (let p: ASTPath | null = path.parent as ASTPath | null; p; p = p.parent as ASTPath | null) {
    const type = (p.node as { type: string }).type;
    if (LOOPS.has(type)) return true;
    if (/Function/.test(type)) return false;
  }
  return false;
}

function inFinally(path: ASTPath): boolean {
  for (let p: ASTPath | null = path; p && p.parent; p = p.parent as ASTPath | null) {
    const parent = p.parent as ASTPath;
    const node = parent.node as { type: string; finalizer?: unknown };
    if (node.type === 'TryStatement' && node.finalizer === p.node) return true;
    if (/Function/.test(node.type)) return false;
  }
  return false;
}

export default function detect(file: FileInfo, api: API): undefined {
  const j = api.jscodeshift.withParser(recastParser(parserForFile(file.path, file.source)) as Parser);
  const root = j(file.source);
  const found: Found = { timers: 0, switchesInLoops: 0, cleanupCalls: 0, cleanupInFinally: 0, floatingCalls: 0 };
  root.find(j.CallExpression).forEach((path) => {
    const callee = path.node.callee;
    if (isGlobalTimer(callee)) found.timers++;
    const name = calleeName(callee);
    if (callee.type === 'MemberExpression' && name && CLEANUP.has(name)) {
      found.cleanupCalls++;
      if (inFinally(path)) found.cleanupInFinally++;
    }
  });
  root
    .find(j.SwitchStatement)
    .filter((path) => inLoop(path) && j(path).find(j.BreakStatement, { label: null }).size() > 0)
    .forEach(() => {
      found.switchesInLoops++;
    });
  root
    .find(j.ExpressionStatement)
    .filter((path) => {
      const expression = path.node.expression;
      return expression.type === 'CallExpression' && calleeName(expression.callee) !== 'then';
    })
    .forEach(() => {
      found.floatingCalls++;
    });
  // Off in the benchmark; `BENCH_DETECT_STATS=1 jscodeshift --dry ...` prints what was found, as a check.
  if (process.env.BENCH_DETECT_STATS) for (const [name, count] of Object.entries(found)) api.stats(name, count);
  return undefined;
}
