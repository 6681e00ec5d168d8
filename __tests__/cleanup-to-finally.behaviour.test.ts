/**
 * Behaviour of cleanup-to-finally's rewrites: each rewritten fixture and its original run side by
 * side against fake dependencies, on every path the code can take.
 *
 * The paths are enumerated, not picked: every branch decision the fakes offer (`world.choose()`)
 * is explored both ways, and for each combination every step a dependency performs is made to
 * throw in turn (step 1, step 2, ...), plus the run where nothing fails. On each path:
 *  - the rewritten code releases every resource it acquired exactly once, throws included;
 *  - where the original released everything exactly once (it did not leak), the rewritten code
 *    returns the same value, or throws the same error, and yields the same items.
 * Each fixture must also show at least one path where the original leaks, so the test can fail.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isDeepStrictEqual } from 'node:util';
import { toCommonJs } from './helpers/run-code';
import { FIXTURES } from './helpers/paths';

class Fault extends Error {}

const RESOURCE = Symbol('resource');

/** The fake world one run sees: numbered steps (one may fail), branch choices, resources. */
class World {
  steps = 0;
  readonly stepLabels: string[] = [];
  readonly made: boolean[] = [];
  /** Resource name → how many times it was released. */
  private readonly releaseCounts = new Map<string, number>();
  /** Resources handed to the code under test (a failing acquisition hands out nothing). */
  private readonly acquired: string[] = [];
  private timers = 0;

  constructor(
    private readonly failAt: number | undefined,
    private readonly choices: readonly boolean[],
  ) {}

  /** One thing a dependency does; throws when it is the step chosen to fail. */
  step(label: string): void {
    this.steps++;
    this.stepLabels.push(label);
    if (this.steps === this.failAt) throw new Fault(`fault at step ${this.steps} (${label})`);
  }

  /** A branch decision: replayed from `choices`, false beyond them. */
  choose(): boolean {
    const value = this.choices[this.made.length] ?? false;
    this.made.push(value);
    return value;
  }

  pick<T>(options: readonly T[]): T {
    for (let i = 0; i < options.length - 1; i++) if (this.choose()) return options[i];
    return options[options.length - 1];
  }

  /** `value` after one step. */
  call<T>(label: string, value: T): T {
    this.step(label);
    return this.handOut(value);
  }

  /** Marks a resource as acquired by the code under test once a step returns it. */
  handOut<T>(value: T): T {
    const name = (value as { [RESOURCE]?: string } | null | undefined)?.[RESOURCE];
    if (name !== undefined && !this.acquired.includes(name)) this.acquired.push(name);
    return value;
  }

  /** Acquired resource → how many times it was released. */
  get releases(): Map<string, number> {
    return new Map(this.acquired.map((name) => [name, this.releaseCounts.get(name) ?? 0]));
  }

  /** A resource: its cleanup methods count releases; `methods` are its other (stepping) methods. */
  resource<M extends object>(name: string, methods: M = {} as M): M & Record<'release' | 'close' | 'end' | 'unsubscribe' | 'destroy', () => void> {
    const release = (): void => {
      this.releaseCounts.set(name, (this.releaseCounts.get(name) ?? 0) + 1);
    };
    return Object.assign(Object.create(null) as object, methods, { [RESOURCE]: name, release, close: release, end: release, unsubscribe: release, destroy: release }) as M &
      Record<'release' | 'close' | 'end' | 'unsubscribe' | 'destroy', () => void>;
  }

  /** Fake timers: never fire; each handle is a resource released by clearTimeout. */
  globals(): Record<string, unknown> {
    const setTimer = (): { timer: string } => {
      const name = `timer#${++this.timers}`;
      this.acquired.push(name);
      return { timer: name };
    };
    const clearTimer = (handle: unknown): void => {
      const name = (handle as { timer?: string } | undefined)?.timer;
      if (name !== undefined) this.releaseCounts.set(name, (this.releaseCounts.get(name) ?? 0) + 1);
    };
    return { setTimeout: setTimer, setInterval: setTimer, clearTimeout: clearTimer, clearInterval: clearTimer };
  }
}

type Outcome = { kind: 'value'; value: unknown } | { kind: 'error'; message: string };

interface RunResult {
  outcome: Outcome;
  items: unknown[];
  releases: Map<string, number>;
  steps: number;
  choices: boolean[];
}

interface Scenario {
  /** The function the fixture defines (a global function, or an export). */
  entry: string;
  /** Extra globals the code reads (`fetch`, `once`, ...). */
  globals?: (w: World) => Record<string, unknown>;
  /** Resources the rewrite deliberately leaves alone (refused sites): released as often as in the original. */
  untouched?: readonly string[];
  /** Calls the entry; for generators, consumes it into `items`. */
  run: (entry: (...args: never[]) => unknown, w: World, items: unknown[]) => Promise<unknown>;
}

async function consume(iterable: AsyncIterable<unknown> | Iterable<unknown>, w: World, items: unknown[]): Promise<void> {
  for await (const item of iterable as AsyncIterable<unknown>) {
    items.push(item);
    if (w.choose()) break; // the consumer stops early
  }
}

/** Resolves after one step, or rejects when that step is the failing one. */
function later<T>(w: World, label: string, value: T): Promise<T> {
  try {
    w.step(label);
    return Promise.resolve(w.handOut(value));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `firstRow(pool, sql)`: a pooled client whose query finds a row or none (the layout fixtures share it). */
const FIRST_ROW_FROM_POOL: Scenario = {
  entry: 'firstRow',
  run: (f, w) =>
    (f as (pool: unknown, sql: string) => Promise<unknown>)(
      { connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', { rows: w.choose() ? [] : [{ id: 7 }] }) })) },
      'SELECT 1',
    ),
};

const SCENARIOS: Record<string, Scenario> = {
  'pg-release-before-two-returns': {
    entry: 'findUser',
    run: (f, w) => (f as (pool: unknown, id: number) => Promise<unknown>)({ connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', { rows: w.choose() ? [] : [{ id: 7 }] }) })) }, 7),
  },
  'abort-from-timeout-callback': {
    entry: 'fetchJson',
    globals: (w) => ({
      fetch: () => later(w, 'fetch', { json: () => later(w, 'json', { ok: true }) }),
      AbortController: class {
        signal = {};
        abort(): void {}
      },
    }),
    run: (f) => (f as (url: string, ms: number) => Promise<unknown>)('https://x', 100),
  },
  'interval-handles-left-to-supervise-intervals': {
    entry: 'pollUntil',
    globals: (w) => ({ runChecks: () => w.call('runChecks', w.choose() ? 'done' : 'pending') }),
    run: async (f) => (f as (check: () => void, ms: number) => unknown)(() => undefined, 10),
  },
  'tab-indented': FIRST_ROW_FROM_POOL,
  'absent-resource-early-return': {
    entry: 'firstRow',
    run: (f, w) =>
      (f as (pool: unknown, sql: string) => Promise<unknown>)(
        {
          connect: () =>
            later(w, 'connect', w.choose() ? null : w.resource('client', { query: () => later(w, 'query', { rows: [{ id: 7 }] }) })),
        },
        'SELECT 1',
      ),
  },
  'refused-code-after-cleanup-observes-it': {
    entry: 'waitThenLog',
    run: (f, w) => (f as (task: () => Promise<unknown>, ms: number) => Promise<unknown>)(() => later(w, 'task', 'done'), 10),
  },
  'no-semicolons-style': FIRST_ROW_FROM_POOL,
  'crlf-promise-chain': {
    entry: 'fetchJson',
    run: (f, w) =>
      (f as (client: unknown, url: string, ms: number) => Promise<unknown>)(
        { get: () => later(w, 'get', { body: 'ok' }), abortAll: () => w.step('abortAll') },
        'https://x',
        10,
      ),
  },
  'crlf-line-endings': {
    entry: 'ping',
    run: (f, w) => (f as (pool: unknown) => Promise<unknown>)({ connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', 1) })) }),
  },
  'fetch-timeout-return-in-try-throw-in-catch': {
    entry: 'fetchWithTimeout',
    globals: (w) => ({
      fetch: () => later(w, 'fetch', { status: 200 }),
      AbortController: class {
        signal = {};
        abort(): void {}
      },
    }),
    run: (f) => (f as (url: string, ms: number) => Promise<unknown>)('https://x', 100),
  },
  'guarded-if-clear-timeout': {
    entry: 'waitForReply',
    globals: (w) => ({ once: () => later(w, 'once', ['hello']) }),
    run: (f, w) => (f as (socket: unknown, ms: number) => Promise<unknown>)({ emit: () => w.step('emit') }, 10),
  },
  'guarded-and-short-circuit': {
    entry: 'poll',
    run: (f, w) => (f as (check: unknown, ms: number) => Promise<unknown>)(() => later(w, 'check', w.choose()), w.choose() ? 0 : 50),
  },
  'optional-call-close': {
    entry: 'readConfig',
    run: (f, w) =>
      (f as (open: unknown) => Promise<unknown>)(() => later(w, 'open', w.resource('handle', { readFile: () => later(w, 'readFile', w.choose() ? '' : '{"a":1}') }))),
  },
  'then-catch-to-finally': {
    entry: 'loadWithDeadline',
    run: (f, w) =>
      (f as (load: unknown, ms: number) => Promise<unknown>)(
        () =>
          later(w, 'load', {
            get data(): number {
              w.step('data');
              return 42;
            },
          }),
        10,
      ),
  },
  'chain-four-space-indent': {
    entry: 'fetchJson',
    run: (f, w) =>
      (f as (client: unknown, url: string, ms: number) => Promise<unknown>)(
        { get: () => later(w, 'get', { body: 'ok' }), abortAll: () => w.step('abortAll') },
        'https://x',
        10,
      ),
  },
  'clear-timeout-happy-path-only': {
    entry: 'withWatchdog',
    globals: (w) => ({ audit: () => later(w, 'audit', undefined) }),
    run: (f, w) => (f as (task: unknown, ms: number) => Promise<unknown>)(() => later(w, 'task', 'done'), 10),
  },
  'catch-rethrows-plus-call-after-try': {
    entry: 'migrate',
    run: (f, w) => (f as (pool: unknown, steps: string[]) => Promise<unknown>)({ connect: () => later(w, 'connect', w.resource('client', { query: (s: string) => later(w, `query ${s}`, 1) })) }, ['a', 'b']),
  },
  'if-else-both-arms': {
    entry: 'lookup',
    run: (f, w) =>
      (f as (pool: unknown, key: string, cache: unknown) => Promise<unknown>)(
        {
          acquire: () =>
            later(w, 'acquire', w.resource('conn', { get: () => later(w, 'get', w.choose() ? 'cached' : undefined), fetch: () => later(w, 'fetch', 'fresh') })),
        },
        'k',
        { set: () => w.step('cache.set') },
      ),
  },
  'two-resources-lifo': {
    entry: 'copyRows',
    run: (f, w) => {
      const pool = (name: string, rows: unknown[]): unknown => ({ connect: () => later(w, `connect ${name}`, w.resource(name, { query: () => later(w, `query ${name}`, { rows }) })) });
      return (f as (a: unknown, b: unknown) => Promise<unknown>)(pool('source', [{ id: 1 }, { id: 2 }]), pool('target', []));
    },
  },
  'per-iteration-continue': {
    entry: 'runJobs',
    run: (f, w) => {
      let n = 0;
      const pool = { connect: () => later(w, 'connect', w.resource(`client#${++n}`, { query: () => later(w, `query#${n}`, 1) })) };
      return (f as (pool: unknown, jobs: unknown[]) => Promise<unknown>)(pool, [
        { ready: w.choose(), sql: 'a' },
        { ready: w.choose(), sql: 'b' },
      ]);
    },
  },
  'per-iteration-break': {
    entry: 'firstMatch',
    run: (f, w) =>
      (f as (open: unknown, names: string[], wanted: string) => Promise<unknown>)(
        (name: string) => later(w, `open ${name}`, w.resource(`file ${name}`, { read: () => later(w, `read ${name}`, w.choose() ? 'has needle' : 'nothing') })),
        ['a', 'b'],
        'needle',
      ),
  },
  'merge-existing-try-catch-finally': {
    entry: 'transfer',
    run: (f, w) =>
      (f as (...args: unknown[]) => Promise<unknown>)(
        { connect: () => later(w, 'connect', w.resource('client', { query: (sql: string) => later(w, `query ${sql.slice(0, 6)}`, 1) })) },
        'a',
        'b',
        5,
        { error: () => w.step('log.error'), info: () => w.step('log.info') },
      ),
  },
  'wrap-try-whose-finally-can-throw': {
    entry: 'transfer',
    run: (f, w) =>
      (f as (...args: unknown[]) => Promise<unknown>)(
        { connect: () => later(w, 'connect', w.resource('client', { query: (sql: string) => later(w, `query ${sql.slice(0, 6)}`, 1) })) },
        'a',
        'b',
        5,
        { error: () => w.step('log.error'), info: () => w.step('log.info') },
      ),
  },
  'widen-try-that-starts-late': {
    entry: 'exportTable',
    run: (f, w) =>
      (f as (pool: unknown, table: string) => Promise<unknown>)({ connect: () => later(w, 'connect', w.resource('client', { query: (sql: string) => later(w, `query ${sql.slice(0, 4)}`, 1) })) }, 't'),
  },
  'let-assigned-in-promise-executor-then-finally': {
    entry: 'waitTwice',
    run: (f, w) => (f as (client: unknown, seconds: number) => Promise<unknown>)({ ping: () => later(w, 'ping', 1), bzpopmin: () => later(w, 'bzpopmin', 'job') }, 1),
  },
  'let-assigned-once-in-promise-executor': {
    entry: 'fetchWithTimeout',
    globals: (w) => ({ fetch: () => later(w, 'fetch', { status: 200 }) }),
    run: (f) => (f as (url: string, ms: number) => Promise<unknown>)('https://x', 100),
  },
  'nested-resources-one-run': {
    entry: 'exportRows',
    run: (f, w) =>
      (f as (pool: unknown, open: unknown) => Promise<unknown>)(
        { connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', { rows: [1, 2] }) })) },
        () => later(w, 'open', w.resource('out', { write: () => later(w, 'write', undefined) })),
      ),
  },
  'two-resources-first-in-first-out': {
    entry: 'report',
    // conn is refused (its release comes before the timer's clear): only the timer moves.
    untouched: ['conn'],
    run: (f, w) => (f as (db: unknown, ms: number) => Promise<unknown>)({ connect: () => later(w, 'connect', w.resource('conn', { query: () => later(w, 'query', [1]) })) }, 10),
  },
  'async-generator': {
    entry: 'readLines',
    run: async (f, w, items) => {
      const lines = ['one', '', 'two'];
      const handle = w.resource('handle', {
        readLines: async function* () {
          for (const line of lines) {
            w.step(`line ${line}`);
            yield line;
          }
        },
      });
      const close = handle.close;
      handle.close = () => {
        close();
        return Promise.resolve();
      };
      await consume((f as (fs: unknown, p: string) => AsyncIterable<unknown>)({ open: () => later(w, 'open', handle) }, 'x.txt'), w, items);
    },
  },
  'sync-generator': {
    entry: 'batches',
    run: async (f, w, items) => {
      const batches = [[1], [2], []];
      let i = 0;
      const cursor = (): unknown => w.resource('cursor', { next: () => w.call(`next ${i}`, batches[Math.min(i++, 2)]) });
      await consume((f as (open: unknown, size: number) => Iterable<unknown>)(() => w.call('open', cursor()), 1), w, items);
    },
  },
  'switch-break-inside-region': {
    entry: 'handle',
    run: (f, w) =>
      (f as (pool: unknown, command: unknown) => Promise<unknown>)(
        { connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', { rows: [1] }) })) },
        { type: w.pick(['read', 'write', 'other']) },
      ),
  },
  'end-moved-when-configured': {
    entry: 'writeReport',
    globals: (w) => ({ write: (_out: unknown, line: string) => later(w, `write ${line.trim()}`, undefined) }),
    run: (f, w) =>
      (f as (fsLike: unknown, p: string, lines: string[]) => Promise<unknown>)({ createWriteStream: () => w.call('createWriteStream', w.resource('out')) }, 'r.txt', ['a', 'b']),
  },
  'class-method-typescript-types-kept': {
    entry: 'OrderRepository',
    run: (f, w) => {
      const Repo = f as unknown as new (pool: unknown) => { byId(id: string): Promise<unknown> };
      const pool = { connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', w.choose() ? { rowCount: 0, rows: [] } : { rowCount: 1, rows: [{ id: 'o1', total: 3 }] }) })) };
      return new Repo(pool).byId('o1');
    },
  },
  'comments-kept': {
    entry: 'readSnapshot',
    run: (f, w) =>
      (f as (locks: unknown, store: unknown) => Promise<unknown>)(
        { acquire: () => later(w, 'acquire', w.resource('lock')) },
        { keys: () => later(w, 'keys', w.choose() ? [] : ['k1']), get: () => later(w, 'get', { v: 1 }) },
      ),
  },
  'jsx-component-handler': {
    entry: 'SaveButton',
    globals: () => ({ React: { createElement: (type: unknown, props: unknown) => ({ type, props }) } }),
    run: (f, w) => {
      const element = (f as (props: unknown) => { props: { onClick: () => Promise<unknown> } })({ save: () => later(w, 'save', w.choose()), onDone: (m: string) => w.step(`onDone ${m}`) });
      return element.props.onClick();
    },
  },
  'declarations-inside-or-used-outside-region': {
    entry: 'main',
    run: (f, w) => (f as (db: unknown) => Promise<unknown>)({ open: () => later(w, 'open', w.resource('conn', { migrate: () => later(w, 'migrate', 1) })) }),
  },
  'untouched-lines-keep-their-text': {
    entry: 'load',
    run: (f, w) =>
      (f as (pool: unknown, id: number) => Promise<unknown>)(
        { connect: () => later(w, 'connect', w.resource('client', { exists: () => later(w, 'exists', w.choose()), query: () => later(w, 'query', [7]) })) },
        7,
      ),
  },
  'no-semicolons-guarded-statements-in-try': {
    entry: 'report',
    globals: (w) => ({ console: { log: () => w.step('log') }, archive: () => Promise.resolve(true) }),
    run: (f, w) =>
      (f as (pool: unknown, ids: number[]) => Promise<unknown>)(
        { connect: () => later(w, 'connect', w.resource('client', { query: () => later(w, 'query', w.choose() ? [] : [{ id: 1 }]) })) },
        [1],
      ),
  },
  'no-semicolons-guard-after-acquisition': {
    entry: 'exportRows',
    run: async (f, w) =>
      (f as (db: unknown, out: unknown) => unknown)(
        { cursor: () => w.call('cursor', w.resource('cursor', { pipe: () => w.call('pipe', 2) })) },
        { header: 'id', columns: 'name', write: () => w.step('write') },
      ),
  },
  'no-semicolons-guard-after-block': {
    entry: 'exportAll',
    run: async (f, w) =>
      (f as (db: unknown, ids: number[], out: unknown) => unknown)(
        { cursor: () => w.call('cursor', w.resource('cursor', { seek: () => w.step('seek'), pipe: () => w.call('pipe', 2) })) },
        w.choose() ? [] : [1, 2],
        { write: () => w.step('write') },
      ),
  },
  'tsx-hook-subscription': {
    entry: 'useRefresh',
    run: (f, w) => {
      const refresh = (f as (source: unknown, load: unknown) => () => Promise<unknown>)({ subscribe: () => w.call('subscribe', w.resource('subscription')) }, () => later(w, 'load', 3));
      return refresh();
    },
  },
};

function fixtureFiles(name: string): { input: string; output: string; ext: string } {
  const dir = path.join(FIXTURES, 'cleanup-to-finally');
  const file = fs.readdirSync(dir).find((f) => f.startsWith(`${name}.input.`));
  if (!file) throw new Error(`no fixture ${name}`);
  const ext = file.slice(file.lastIndexOf('.') + 1);
  return { input: fs.readFileSync(path.join(dir, file), 'utf8'), output: fs.readFileSync(path.join(dir, `${name}.output.${ext}`), 'utf8'), ext };
}

/** Evaluates transpiled fixture code in a fresh context and returns its entry function. */
function load(source: string, ext: string, scenario: Scenario, w: World): (...args: never[]) => unknown {
  const code = toCommonJs(source, `fixture.${ext}`);
  const exports: Record<string, unknown> = {};
  const fakeRequire = (id: string): unknown => {
    if (id === 'react') return { useCallback: (fn: unknown) => fn };
    return {};
  };
  const context = vm.createContext({
    exports,
    module: { exports },
    require: fakeRequire,
    console: { log() {}, warn() {}, error() {}, info() {} },
    ...w.globals(),
    ...(scenario.globals?.(w) ?? {}),
  });
  vm.runInContext(`${code}\n;globalThis.__entry = typeof ${scenario.entry} !== 'undefined' ? ${scenario.entry} : exports.${scenario.entry};`, context);
  const entry = (context as { __entry?: unknown }).__entry;
  if (typeof entry !== 'function') throw new Error(`${scenario.entry} is not defined by the fixture`);
  return entry as (...args: never[]) => unknown;
}

async function runOnce(source: string, ext: string, scenario: Scenario, failAt: number | undefined, choices: readonly boolean[]): Promise<RunResult> {
  const w = new World(failAt, choices);
  const items: unknown[] = [];
  let outcome: Outcome;
  try {
    const entry = load(source, ext, scenario, w);
    outcome = { kind: 'value', value: await scenario.run(entry, w, items) };
  } catch (error) {
    outcome = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  // Values from the fixture's realm compare structurally once plain.
  if (outcome.kind === 'value') outcome = { kind: 'value', value: JSON.parse(JSON.stringify(outcome.value ?? null)) as unknown };
  return { outcome, items: JSON.parse(JSON.stringify(items)) as unknown[], releases: w.releases, steps: w.steps, choices: w.made };
}

function releasedOnce(releases: Map<string, number>): boolean {
  return [...releases.values()].every((n) => n === 1);
}

interface Summary {
  paths: number;
  originalLeaks: number;
}

/** Every choice combination × every fault point (and no fault), original against rewritten. */
async function explore(name: string, scenario: Scenario): Promise<Summary> {
  const { input, output, ext } = fixtureFiles(name);
  assert.notEqual(input, output, `${name}: the fixture is expected to be rewritten`);
  const summary: Summary = { paths: 0, originalLeaks: 0 };
  const queue: boolean[][] = [[]];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const prefix = queue.shift()!;
    const dry = await runOnce(input, ext, scenario, undefined, prefix);
    // Choices this path reached beyond the prefix: explore the other arm of each.
    for (let i = prefix.length; i < dry.choices.length; i++) {
      const next = [...dry.choices.slice(0, i), true];
      const key = next.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(next);
      }
    }
    const rewrittenDry = await runOnce(output, ext, scenario, undefined, prefix);
    const faults = Math.max(dry.steps, rewrittenDry.steps);
    for (let failAt = 0; failAt <= faults; failAt++) {
      const fault = failAt === 0 ? undefined : failAt;
      const original = await runOnce(input, ext, scenario, fault, prefix);
      const rewritten = await runOnce(output, ext, scenario, fault, prefix);
      summary.paths++;
      const where = `${name}, choices [${prefix.join(',')}], ${fault === undefined ? 'no fault' : `fault at step ${fault}`}`;
      for (const [resource, count] of rewritten.releases) {
        if (scenario.untouched?.includes(resource)) {
          assert.equal(count, original.releases.get(resource), `${where}: ${resource} is left alone, yet released ${count} times`);
          continue;
        }
        assert.equal(count, 1, `${where}: rewritten code released ${resource} ${count} times (original: ${original.releases.get(resource) ?? '-'}; ${JSON.stringify(rewritten.outcome)})`);
      }
      if (releasedOnce(original.releases)) {
        assert.deepEqual(rewritten.outcome, original.outcome, `${where}: outcome differs`);
        assert.deepEqual(rewritten.items, original.items, `${where}: yielded items differ`);
      } else {
        summary.originalLeaks++;
      }
      assert.ok(isDeepStrictEqual([...original.releases.keys()], [...rewritten.releases.keys()]), `${where}: different resources acquired`);
    }
    assert.ok(summary.paths < 5000, `${name}: too many paths`);
  }
  return summary;
}

describe('cleanup-to-finally: behaviour of rewritten fixtures on every path', () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async (t) => {
      const summary = await explore(name, scenario);
      t.diagnostic(`${summary.paths} paths, ${summary.originalLeaks} where the original leaks`);
      assert.ok(summary.paths > 1, `${name}: explored only ${summary.paths} path`);
      // Repeated-cleanup shapes (catch + rethrow) do not leak; every other fixture must show a leak the rewrite fixes.
      const noLeakExpected = [
        'fetch-timeout-return-in-try-throw-in-catch',
        'catch-rethrows-plus-call-after-try',
        'merge-existing-try-catch-finally',
        'then-catch-to-finally',
        'chain-four-space-indent',
        'crlf-promise-chain',
      ];
      if (!noLeakExpected.includes(name)) assert.ok(summary.originalLeaks > 0, `${name}: no path leaks in the original, so this test could not fail`);
    });
  }

  it('covers every rewritten fixture', () => {
    const dir = path.join(FIXTURES, 'cleanup-to-finally');
    const rewritten = fs
      .readdirSync(dir)
      .filter((f) => f.includes('.input.'))
      .map((f) => f.slice(0, f.indexOf('.input.')))
      .filter((name) => {
        const { input, output } = fixtureFiles(name);
        return input !== output;
      });
    assert.deepEqual(rewritten.filter((name) => !(name in SCENARIOS)), []);
  });

  it('fails on a rewrite that changes behaviour (the harness is not vacuous)', async () => {
    // A wrong "rewrite": releases in a finally but also returns before querying.
    const scenario = SCENARIOS['pg-release-before-two-returns'];
    const { input, ext } = fixtureFiles('pg-release-before-two-returns');
    const wrong = `async function findUser(pool, id) {\n  const client = await pool.connect();\n  try { return null; } finally { client.release(); client.release(); }\n}\n`;
    const original = await runOnce(input, ext, scenario, undefined, []);
    const broken = await runOnce(wrong, ext, scenario, undefined, []);
    assert.notDeepEqual(broken.outcome, original.outcome);
    assert.notEqual(broken.releases.get('client'), 1);
  });
});
