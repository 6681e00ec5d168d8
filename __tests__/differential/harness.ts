/**
 * Differential testing of a transform: generated functions run before and after the rewrite on
 * every path, and their traces must agree.
 *
 * For each seed, one file of generated functions goes through the engine (`processSource`, the
 * rule alone, transform mode); a second run over the output must change nothing. Every function
 * the rewrite changed then runs, original and rewrite, on every path: each combination of branch
 * answers (explored depth-first) with each step made to fail in turn, plus no failure. On a path:
 *  - where the original released everything it acquired, or no throw happened (what it kept on
 *    a normal path it kept deliberately), the two traces are identical;
 *  - where a throw happened and the original leaked, the rewrite releases each leaked resource at
 *    most once and, without those releases, its trace equals the original's.
 * A disagreement is classified by its first differing event (the root cause), with the smallest
 * function that shows it as the example.
 *
 * That verdict is cleanup-to-finally's (`leakOracle`). Another transform brings its own oracle:
 * more programs to run on every path beside the original and the rewrite (a reference
 * implementation of what the rewrite means) and the verdict on their runs; and its own world
 * (sources, iterators). The branch answers explored are those any of the programs asks for.
 */
import { processSource } from '../../lib/engine';
import type { LeakRule } from '../../lib/rule';
import { ruleSettings } from '../helpers/rule-settings';
import { World } from './world';
import type { GeneratedFunction } from './generate';

export interface Divergence {
  cause: string;
  fn: GeneratedFunction;
  rewrite?: string;
  detail: string;
}

export interface DifferentialReport {
  files: number;
  functions: number;
  /** Functions the rewrite changed (the ones run on every path). */
  changed: number;
  runs: number;
  /** Functions whose path enumeration hit the cap. */
  truncated: number;
  /** What the oracle counted on the paths it accepted (paths where the fix changed the trace, ...). */
  tallies: Map<string, number>;
  divergences: Divergence[];
  /** Cause → count and the smallest example. */
  byCause: Map<string, { count: number; example: Divergence }>;
  ms: number;
}

export interface DifferentialOptions {
  rule: LeakRule;
  seeds: readonly number[];
  generate: (seed: number) => GeneratedFunction[];
  ruleOptions?: Record<string, unknown>;
  /** Runs per function (original + rewrite count as one) before the enumeration stops. */
  maxRuns?: number;
  /** What the rewrite must do on each path; cleanup-to-finally's verdict by default. */
  oracle?: Oracle;
  /** The world of one run; the plain `World` by default. */
  world?: WorldFactory;
}

export interface Run {
  events: string[];
  made: boolean[];
  steps: number;
  threw: boolean;
  hung: boolean;
  leaked: string[];
}

export type WorldFactory = (failAt: number | undefined, choices: readonly boolean[]) => World;

/**
 * How one rewritten function is judged: `programs` (by role) can run on every path beside
 * `original` and `rewrite`; `judge` gets a path's runs of `original` and `rewrite`, asks for
 * the other roles' runs as it needs them (`run(role)`: a program that only explains a
 * disagreement need not run on every path), and returns the root cause of a disagreement, or
 * undefined (and may `tally` what it saw).
 */
export interface Comparison {
  programs?: Record<string, string>;
  judge(runs: PathRuns, tally: (what: string) => void): Promise<string | undefined> | string | undefined;
}

/** The runs of one path: `original` and `rewrite`, and any other role on request. */
export interface PathRuns {
  original: Run;
  rewrite: Run;
  run(role: string): Promise<Run>;
}

/** A function's comparison, or a cause when the rewrite cannot be judged at all. */
export type Oracle = (fn: GeneratedFunction, rewrite: string) => Comparison | { cause: string; detail: string };

/** cleanup-to-finally: identical traces, except at most one added release of what a throw path leaked. */
export const leakOracle: Oracle = () => ({ judge: (runs) => judge(runs.original, runs.rewrite) });

const plainWorld: WorldFactory = (failAt, choices) => new World(failAt, choices);

type Factory = (timers: Record<string, unknown>) => (w: World) => unknown;

function compile(fn: GeneratedFunction, source: string): Factory {
  // Timer globals are parameters, so each run gets its own world's timers.
  const make = new Function('setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', `${source}\nreturn ${fn.name};`) as (...timers: unknown[]) => (w: World) => unknown;
  return (timers) => make(timers.setTimeout, timers.clearTimeout, timers.setInterval, timers.clearInterval);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) return 'object';
  return JSON.stringify(value) ?? String(value);
}

function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as Error;
    return `${e.constructor?.name ?? 'Error'}: ${e.message}`;
  }
  return String(error);
}

const SETTLE_TURNS = 10_000;

async function runOnce(factory: Factory, isAsync: boolean, failAt: number | undefined, choices: readonly boolean[], makeWorld: WorldFactory): Promise<Run> {
  const w = makeWorld(failAt, choices);
  const fn = factory(w.timers());
  let outcome: string;
  try {
    const value = fn(w);
    if (isAsync) {
      let settled = false;
      let result: unknown;
      let failed = false;
      (value as Promise<unknown>).then(
        (v) => {
          settled = true;
          result = v;
        },
        (e: unknown) => {
          settled = true;
          failed = true;
          result = e;
        },
      );
      // Every await in generated code waits on a settled promise: a bounded number of turns.
      for (let i = 0; i < SETTLE_TURNS && !settled; i++) await null;
      outcome = !settled ? 'hangs' : failed ? `error ${describeError(result)}` : `result ${describeValue(result)}`;
    } else {
      outcome = `result ${describeValue(value)}`;
    }
  } catch (error) {
    outcome = `error ${describeError(error)}`;
  }
  // Nothing after a hang happens: whatever the code did while unwinding is not behaviour.
  const events = w.hung ? w.events.slice(0, w.events.indexOf('hangs') + 1) : [...w.events, outcome];
  return { events: normalise(events), made: [...w.made], steps: w.steps, threw: w.threw, hung: w.hung, leaked: w.leaked() };
}

function kindOf(event: string | undefined): string {
  if (event === undefined) return 'nothing';
  if (event.includes('after release')) return 'use-after-release';
  if (event.startsWith('error TypeError')) return 'type-error';
  return event.split(' ')[0];
}

/** The root cause of two traces disagreeing: what the rewrite did where the original did something else. */
export function classify(expected: readonly string[], actual: readonly string[], threw: boolean): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const e = expected[i];
  const a = actual[i];
  const path = threw ? 'throw path' : 'normal path';
  if (actual.some((x) => x.startsWith('error TypeError')) && !expected.some((x) => x.startsWith('error TypeError'))) return `${path}: rewrite throws a TypeError`;
  if (actual.some((x) => x.includes('after release')) && !expected.some((x) => x.includes('after release'))) return `${path}: rewrite uses a resource after releasing it`;
  if (kindOf(e) === 'release' && kindOf(a) !== 'release') {
    const name = e.slice('release '.length).split('(')[0];
    if (!actual.some((x) => x.startsWith(`release ${name}(`))) return `${path}: rewrite does not release what the original released`;
    return `${path}: release runs later, after a ${kindOf(a)}`;
  }
  if (kindOf(a) === 'release' && kindOf(e) !== 'release') {
    const name = a.slice('release '.length).split('(')[0];
    if (!expected.some((x) => x.startsWith(`release ${name}(`))) return `${path}: rewrite releases what the original kept`;
    return `${path}: release runs earlier, before a ${kindOf(e)}`;
  }
  if (kindOf(a) === 'release' && kindOf(e) === 'release') return `${path}: releases in another order or with other arguments`;
  return `${path}: ${kindOf(e)} became ${kindOf(a)}`;
}

/**
 * Timer clears are seen only by the event loop: a clear moves to the next await (or the end), and
 * clears between two awaits are sorted. Then they count as releases.
 */
function normalise(events: readonly string[]): string[] {
  const out: string[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    out.push(...pending.sort().map((e) => `release ${e.slice('clear '.length)}`));
    pending = [];
  };
  for (const event of events) {
    if (event.startsWith('clear ')) {
      pending.push(event);
      continue;
    }
    if (event === 'await' || event.startsWith('result') || event.startsWith('error') || event === 'hangs') flush();
    out.push(event);
  }
  flush();
  return out;
}

export function sameTrace(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Compares one path; undefined when the rewrite is allowed to behave as it did. */
function judge(original: Run, rewrite: Run): string | undefined {
  // A throw path: a fault fired, the code threw, or it ended with an error (a cleanup's TypeError included).
  const threw = original.threw || original.events[original.events.length - 1].startsWith('error');
  if (threw && original.leaked.length > 0) {
    const leaked = new Set(original.leaked);
    const isLeakedRelease = (event: string): boolean => event.startsWith('release ') && leaked.has(event.slice('release '.length).split('(')[0]);
    for (const name of leaked) {
      const count = rewrite.events.filter((e) => e.startsWith(`release ${name}(`)).length;
      if (count > 1) return 'throw path: rewrite releases a leaked resource twice';
    }
    const filtered = rewrite.events.filter((e) => !isLeakedRelease(e));
    return sameTrace(original.events, filtered) ? undefined : classify(original.events, filtered, true);
  }
  return sameTrace(original.events, rewrite.events) ? undefined : classify(original.events, rewrite.events, threw);
}

interface PathsOutcome {
  runs: number;
  truncated: boolean;
  failure?: { cause: string; detail: string };
}

/**
 * Every path: no failure and each failing step, times every branch combination that any of the
 * programs asks for (a rewrite may reach code the original never reaches, and branch there).
 */
async function comparePaths(
  fn: GeneratedFunction,
  programs: ReadonlyMap<string, Factory>,
  comparison: Comparison,
  maxRuns: number,
  makeWorld: WorldFactory,
  tally: (what: string) => void,
): Promise<PathsOutcome> {
  let runs = 0;
  let truncated = false;
  const visit = async (failAt: number | undefined): Promise<{ cause: string; detail: string } | { maxSteps: number }> => {
    let maxSteps = 0;
    const stack: boolean[][] = [[]];
    const seen = new Set<string>(['']);
    while (stack.length > 0) {
      if (runs >= maxRuns) {
        truncated = true;
        return { maxSteps: 0 };
      }
      const choices = stack.pop()!;
      runs++;
      const byRole = new Map<string, Run>();
      const run = async (role: string): Promise<Run> => {
        let known = byRole.get(role);
        if (!known) {
          const factory = programs.get(role);
          if (!factory) throw new Error(`no program ${role}`);
          known = await runOnce(factory, fn.async, failAt, choices, makeWorld);
          byRole.set(role, known);
        }
        return known;
      };
      const cause = await comparison.judge({ original: await run('original'), rewrite: await run('rewrite'), run }, tally);
      if (cause) {
        for (const role of programs.keys()) await run(role);
        const width = Math.max(...[...programs.keys()].map((role) => role.length)) + 1;
        const traces = [...programs.keys()].map((role) => `  ${`${role}:`.padEnd(width)} ${byRole.get(role)!.events.join(' | ')}`);
        return { cause, detail: [`failAt=${failAt ?? 'none'} choices=[${byRole.get('original')!.made.map((c) => (c ? 1 : 0)).join('')}]`, ...traces].join('\n') };
      }
      for (const run of byRole.values()) {
        maxSteps = Math.max(maxSteps, run.steps);
        for (let i = choices.length; i < run.made.length; i++) {
          if (run.made[i]) continue;
          const next = [...run.made.slice(0, i), true];
          const key = next.map((c) => (c ? 1 : 0)).join('');
          if (seen.has(key)) continue;
          seen.add(key);
          stack.push(next);
        }
      }
    }
    return { maxSteps };
  };
  const first = await visit(undefined);
  if ('cause' in first) return { runs, truncated, failure: first };
  // Failing step k exists on some path while some run reached k steps (catch blocks may add steps).
  for (let failAt = 1; !truncated; failAt++) {
    const result = await visit(failAt);
    if ('cause' in result) return { runs, truncated, failure: result };
    if (result.maxSteps < failAt) break;
  }
  return { runs, truncated };
}

/** Compiles the original, the rewrite and the oracle's programs of one function, and runs them on every path. */
async function judgeFunction(
  fn: GeneratedFunction,
  rewrite: string,
  oracle: Oracle,
  maxRuns: number,
  makeWorld: WorldFactory,
  tally: (what: string) => void,
): Promise<PathsOutcome> {
  const comparison = oracle(fn, rewrite);
  if ('cause' in comparison) return { runs: 0, truncated: false, failure: comparison };
  const sources: Array<[string, string]> = [['original', fn.source], ['rewrite', rewrite], ...Object.entries(comparison.programs ?? {})];
  const programs = new Map<string, Factory>();
  for (const [role, source] of sources) {
    try {
      programs.set(role, compile(fn, source));
    } catch (error) {
      return { runs: 0, truncated: false, failure: { cause: `${role === 'rewrite' ? 'rewrite' : `${role} (oracle)`} does not compile`, detail: `${String(error)}\n${source}` } };
    }
  }
  return comparePaths(fn, programs, comparison, maxRuns, makeWorld, tally);
}

/**
 * Top-level function declarations of a generated file by name → their text. Generated functions
 * start at column 0 (`function fN(` or `async function fN(`) and the rewrite only changes their
 * insides, so the text splits there without another parse.
 */
function functionsByName(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const starts = [...source.matchAll(/^(?:async )?function (f\d+)\(/gm)];
  starts.forEach((match, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : source.length;
    out.set(match[1], source.slice(match.index, end).trimEnd());
  });
  return out;
}

function transformOnce(rule: LeakRule, source: string, ruleOptions: Record<string, unknown>): { output: string; error?: string } {
  const outcome = processSource('gen/generated.js', source, ruleSettings(rule, 'transform', ruleOptions));
  if (outcome.status === 'error') return { output: source, error: `${outcome.reason}: ${outcome.message}` };
  return { output: outcome.status === 'changed' ? outcome.output! : source };
}

export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const started = Date.now();
  const maxRuns = options.maxRuns ?? 3000;
  const ruleOptions = options.ruleOptions ?? {};
  const oracle = options.oracle ?? leakOracle;
  const makeWorld = options.world ?? plainWorld;
  const report: DifferentialReport = { files: 0, functions: 0, changed: 0, runs: 0, truncated: 0, tallies: new Map(), divergences: [], byCause: new Map(), ms: 0 };
  const tally = (what: string): void => {
    report.tallies.set(what, (report.tallies.get(what) ?? 0) + 1);
  };
  const add = (d: Divergence): void => {
    report.divergences.push(d);
    const entry = report.byCause.get(d.cause);
    if (!entry) report.byCause.set(d.cause, { count: 1, example: d });
    else {
      entry.count++;
      if (d.fn.source.length < entry.example.fn.source.length) entry.example = d;
    }
  };
  for (const seed of options.seeds) {
    const fns = options.generate(seed);
    report.files++;
    report.functions += fns.length;
    const source = fns.map((f) => f.source).join('\n\n') + '\n';
    // The file as a whole, then each function alone when the whole file fails (to name the culprit).
    const whole = transformOnce(options.rule, source, ruleOptions);
    const outputs = new Map<string, string>();
    const seconds = new Map<string, string>();
    const perFunction = (fn: GeneratedFunction): void => {
      const one = transformOnce(options.rule, `${fn.source}\n`, ruleOptions);
      if (one.error) {
        add({ cause: `transform error: ${one.error.split(':')[0]}`, fn, detail: one.error });
        return;
      }
      outputs.set(fn.name, one.output.trimEnd());
      const again = transformOnce(options.rule, one.output, ruleOptions);
      seconds.set(fn.name, again.error ? `ERROR ${again.error}` : again.output.trimEnd());
    };
    if (whole.error) {
      for (const fn of fns) perFunction(fn);
    } else {
      let byName: Map<string, string>;
      try {
        byName = functionsByName(whole.output);
      } catch (error) {
        for (const fn of fns) add({ cause: 'output does not parse', fn, detail: String(error) });
        continue;
      }
      const second = transformOnce(options.rule, whole.output, ruleOptions);
      let secondByName: Map<string, string> | undefined;
      try {
        secondByName = second.error ? undefined : functionsByName(second.output);
      } catch {
        secondByName = undefined;
      }
      for (const fn of fns) {
        const out = byName.get(fn.name);
        if (out === undefined) {
          add({ cause: 'function missing from the output', fn, detail: whole.output });
          continue;
        }
        outputs.set(fn.name, out);
        seconds.set(fn.name, second.error ? `ERROR ${second.error}` : (secondByName?.get(fn.name) ?? 'MISSING'));
      }
    }
    for (const fn of fns) {
      const rewrite = outputs.get(fn.name);
      if (rewrite === undefined) continue;
      const again = seconds.get(fn.name);
      if (again !== rewrite) {
        add({ cause: again?.startsWith('ERROR') ? 'second run fails' : 'second run changes the output', fn, rewrite, detail: again ?? '' });
        continue;
      }
      if (rewrite === fn.source) continue;
      report.changed++;
      const result = await judgeFunction(fn, rewrite, oracle, maxRuns, makeWorld, tally);
      report.runs += result.runs;
      if (result.truncated) report.truncated++;
      if (result.failure) add({ cause: result.failure.cause, fn, rewrite, detail: result.failure.detail });
    }
  }
  report.ms = Date.now() - started;
  return report;
}

/** The report as text: totals, then each cause with its count and smallest example. */
export function formatReport(report: DifferentialReport, examples = true): string {
  const lines = [
    `${report.functions} functions in ${report.files} files, ${report.changed} rewritten, ${report.runs} path runs (${report.truncated} enumerations capped), ${report.ms} ms`,
    `${report.divergences.length} divergences, ${report.byCause.size} root causes`,
  ];
  const tallies = [...report.tallies.entries()].sort((a, b) => b[1] - a[1]);
  if (tallies.length > 0) lines.push(`accepted paths: ${tallies.map(([what, count]) => `${what} ${count}`).join(', ')}`);
  const causes = [...report.byCause.entries()].sort((a, b) => b[1].count - a[1].count);
  for (const [cause, { count, example }] of causes) {
    lines.push('', `## ${cause}: ${count}`);
    if (!examples) continue;
    lines.push(`features: ${example.fn.features.join(', ')}`, '--- original', example.fn.source);
    if (example.rewrite !== undefined) lines.push('--- rewrite', example.rewrite);
    lines.push('--- detail', example.detail);
  }
  return lines.join('\n');
}

/** The root cause of the first path where `rewrite` behaves differently from `original` (function `f0`), else undefined. */
export async function judgeSource(
  original: string,
  rewrite: string,
  isAsync = false,
  judging: { oracle?: Oracle; world?: WorldFactory } = {},
): Promise<string | undefined> {
  const fn: GeneratedFunction = { name: 'f0', source: original, async: isAsync, features: [] };
  const result = await judgeFunction(fn, rewrite, judging.oracle ?? leakOracle, 3000, judging.world ?? plainWorld, () => undefined);
  return result.failure?.cause;
}
