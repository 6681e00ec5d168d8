/**
 * supervise-intervals, run for real: the fixtures' inputs and rewritten outputs are executed in
 * child processes, and the outputs' TypeScript is type-checked against @types/node and the runtime.
 *
 * Every check runs the input too, as a control: the input must show the leak (a Timeout still
 * active, a crash) that the output no longer has, so a test that passes cannot be vacuous.
 *
 * Timers in the children are compressed to at most 5 ms (setInterval/setTimeout are wrapped before
 * any module loads; the runtime looks its timers up at call time), so minute-long intervals tick
 * within a test.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { fixtureCase, fixtureCases, type FixtureCase } from './helpers/fixtures';
import { REPO_ROOT } from './helpers/paths';
import { ACTIVE_RESOURCES_SNIPPET, activeResources, runNode, toCommonJs, writeModules, type RunResult } from './helpers/run-code';

const CASES = fixtureCases('supervise-intervals');

function fixture(name: string): FixtureCase {
  return fixtureCase('supervise-intervals', name, CASES);
}

type Side = 'input' | 'output';

/** Relative modules a fixture imports: each gets a recording stub. */
function relativeImports(source: string): string[] {
  const specifiers = new Set<string>();
  for (const match of source.matchAll(/(?:from\s+|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) specifiers.add(match[1]);
  return [...specifiers];
}

/**
 * A module whose every export is a function that records its calls in `globalThis.__calls`, throws
 * when its name is `globalThis.__throwIn` and rejects when it is `globalThis.__rejectIn`.
 */
const RECORDING_STUB = `
module.exports = new Proxy({}, {
  get(_, name) {
    if (typeof name !== 'string' || name === '__esModule' || name === 'then' || name === 'default') return undefined;
    return (...args) => {
      (globalThis.__calls ??= []).push([name, ...args]);
      if (globalThis.__throwIn === name) throw new Error('boom from ' + name);
      if (globalThis.__rejectIn === name) return Promise.reject(new Error('rejected by ' + name));
      return undefined;
    };
  },
});
`;

/** A React with just enough hooks to mount a component once and unmount it. */
const REACT_STUB = `
const cleanups = [];
function useEffect(effect) {
  const cleanup = effect();
  if (typeof cleanup === 'function') cleanups.push(cleanup);
  else if (cleanup !== undefined) throw new Error('an effect returned a non-function: ' + cleanup);
}
module.exports = {
  useEffect,
  useLayoutEffect: useEffect,
  useInsertionEffect: useEffect,
  useState: (initial) => [typeof initial === 'function' ? initial() : initial, () => {}],
  createElement: () => null,
  unmountAll: () => cleanups.splice(0).reverse().forEach((cleanup) => cleanup()),
};
`;

const COMPRESS_TIMERS = `
const realSetInterval = globalThis.setInterval;
const realSetTimeout = globalThis.setTimeout;
globalThis.setInterval = (fn, ms, ...args) => realSetInterval(fn, Math.min(Number(ms) || 0, 5), ...args);
globalThis.setTimeout = (fn, ms, ...args) => realSetTimeout(fn, Math.min(Number(ms) || 0, 5), ...args);
globalThis.WebSocket = class { send() {} close() {} };
globalThis.window = globalThis;
globalThis.React = require('react');
const sleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
`;

/** Writes the fixture's input or output (as CommonJS), its stubs and `main.js`, and runs main. */
async function runFixture(name: string, side: Side, main: string): Promise<RunResult> {
  const c = fixture(name);
  const source = side === 'input' ? c.input : c.output;
  const files: Record<string, string> = {
    [`fixture.js`]: toCommonJs(source, `fixture.${c.ext}`),
    'node_modules/react/index.js': REACT_STUB,
    'main.js': `${COMPRESS_TIMERS}\n${main}`,
  };
  for (const specifier of relativeImports(source)) files[`${specifier.replace(/^\.\//, '')}.js`] = RECORDING_STUB;
  const dir = writeModules(files);
  const result = await runNode(dir, 'main.js', { timeoutMs: 15_000 });
  assert.equal(result.timedOut, false, `${name} (${side}) timed out; stderr: ${result.stderr}`);
  return result;
}

function timeoutsIn(result: RunResult): number {
  return activeResources(result.stdout).filter((r) => r === 'Timeout').length;
}

function marker(result: RunResult, key: string): string | undefined {
  const line = result.stdout.split('\n').find((l) => l.startsWith(`${key}:`));
  return line?.slice(key.length + 1);
}

// ---------------------------------------------------------------------------------------------

const EFFECT_CASES: Array<{ name: string; props: string }> = [
  { name: 'effect-dropped-handle', props: '{}' },
  { name: 'effect-stored-no-cleanup', props: '{ from: 3 }' },
  { name: 'effect-existing-cleanup', props: "{ url: 'ws://localhost' }" },
  { name: 'effect-two-intervals', props: '{ load() {}, ping() {} }' },
  { name: 'effect-handle-name-collision', props: '{ intervalId: 7, ping() {} }' },
];

function effectMain(props: string): string {
  return `
const React = require('react');
const component = Object.values(require('./fixture')).find((v) => typeof v === 'function');
component(${props});
console.log('MOUNTED:' + timeouts());
React.unmountAll();
setImmediate(() => {
  ${ACTIVE_RESOURCES_SNIPPET}
  process.exit(0);
});
`;
}

describe('supervise-intervals: React effects', () => {
  for (const { name, props } of EFFECT_CASES) {
    it(`${name}: the cleanup leaves no active Timeout (the input leaves one)`, async () => {
      const before = await runFixture(name, 'input', effectMain(props));
      assert.equal(before.code, 0, before.stderr);
      assert.ok(timeoutsIn(before) > 0, `${name}: the input was expected to leak a Timeout`);

      const after = await runFixture(name, 'output', effectMain(props));
      assert.equal(after.code, 0, after.stderr);
      assert.ok(Number(marker(after, 'MOUNTED')) > 0, `${name}: the output should start its interval`);
      assert.deepEqual(activeResources(after.stdout).filter((r) => r === 'Timeout'), []);
    });
  }
});

// ---------------------------------------------------------------------------------------------

const CLASS_CASES: Array<{ name: string; create: string; dispose: string }> = [
  { name: 'class-with-close', create: 'const o = new QueueConsumer({ pull() {}, disconnect() {} }); o.start();', dispose: 'o.close();' },
  { name: 'ts-class-typed-field', create: 'const o = new SessionStore(); o.start();', dispose: 'o.dispose();' },
  { name: 'custom-disposal-method', create: 'const o = new Watcher(); o.watch();', dispose: 'o.teardown();' },
  { name: 'symbol-dispose-private-field', create: 'const o = new Heartbeat(() => {});', dispose: 'o[Symbol.dispose]();' },
];

function classMain(create: string, dispose: string): string {
  return `
Object.assign(globalThis, require('./fixture'));
${create}
console.log('STARTED:' + timeouts());
${dispose}
setImmediate(() => {
  ${ACTIVE_RESOURCES_SNIPPET}
  process.exit(0);
});
`;
}

describe('supervise-intervals: classes', () => {
  for (const { name, create, dispose } of CLASS_CASES) {
    it(`${name}: the disposal method leaves no active Timeout (the input leaves one)`, async () => {
      const before = await runFixture(name, 'input', classMain(create, dispose));
      assert.equal(before.code, 0, before.stderr);
      assert.ok(timeoutsIn(before) > 0, `${name}: the input was expected to leak a Timeout`);

      const after = await runFixture(name, 'output', classMain(create, dispose));
      assert.equal(after.code, 0, after.stderr);
      assert.ok(Number(marker(after, 'STARTED')) > 0, `${name}: the output should start its interval`);
      assert.equal(timeoutsIn(after), 0, `${name}: active after dispose: ${JSON.stringify(activeResources(after.stdout))}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------

const SUPERVISED_CASES: Array<{ name: string; start?: string; expectCall: string }> = [
  { name: 'module-dropped-handle', expectCall: 'refreshCache' },
  { name: 'function-dropped-async-callback', start: "require('./fixture').startMetrics();", expectCall: 'push' },
  { name: 'typed-const-never-read', expectCall: 'vacuum' },
  { name: 'window-and-globalthis', expectCall: 'flushAnalytics' },
  { name: 'commonjs-require', start: "require('./fixture').startHostMetrics();", expectCall: 'send' },
  { name: 'merge-existing-runtime-import', expectCall: 'reindex' },
  { name: 'name-collision', expectCall: 'refresh' },
  { name: 'comments-kept', expectCall: 'chargeDueInvoices' },
  { name: 'crlf-line-endings', expectCall: 'flushQueue' },
  { name: 'class-without-disposal-method', start: "new (require('./fixture').HealthReporter)({ heartbeat: () => globalThis.__calls.push(['heartbeat']) }).start();", expectCall: 'heartbeat' },
  { name: 'signal-in-scope', start: "require('./fixture').watchJobs('jobs', new AbortController().signal);", expectCall: 'poll' },
];

function supervisedMain(start: string | undefined, side: Side): string {
  return `
globalThis.__calls = [];
(async () => {
  require('./fixture');
  ${start ?? ''}
  await sleep(60);
  console.log('CALLS:' + JSON.stringify(globalThis.__calls.map((c) => c[0])));
  console.log('RUNNING:' + timeouts());
  ${side === 'output' ? "await require('@leakfix/runtime').shutdown({ timeoutMs: 1000 });" : ''}
  ${ACTIVE_RESOURCES_SNIPPET}
  process.exit(0);
})();
`;
}

describe('supervise-intervals: supervised tasks', () => {
  for (const { name, start, expectCall } of SUPERVISED_CASES) {
    it(`${name}: runs, and leaves no active Timeout after shutdown() (the input's interval stays)`, async () => {
      const before = await runFixture(name, 'input', supervisedMain(start, 'input'));
      assert.equal(before.code, 0, before.stderr);
      assert.ok(timeoutsIn(before) > 0, `${name}: the input was expected to hold a Timeout`);

      const after = await runFixture(name, 'output', supervisedMain(start, 'output'));
      assert.equal(after.code, 0, after.stderr);
      const calls = JSON.parse(marker(after, 'CALLS') ?? '[]') as string[];
      assert.ok(calls.includes(expectCall), `${name}: expected ${expectCall} to run, got ${JSON.stringify(calls)}`);
      assert.ok(Number(marker(after, 'RUNNING')) > 0, `${name}: the task should hold a timer before shutdown`);
      assert.equal(timeoutsIn(after), 0, `${name}: active after shutdown: ${JSON.stringify(activeResources(after.stdout))}`);
    });
  }

  it('extra-arguments: the callback still receives exactly the extra arguments', async () => {
    const main = `
globalThis.__calls = [];
const logged = [];
console.log = ((log) => (...args) => { if (args[0] === 'tick') logged.push(args); else log(...args); })(console.log);
(async () => {
  require('./fixture');
  await sleep(40);
  await require('@leakfix/runtime').shutdown({ timeoutMs: 1000 });
  const report = globalThis.__calls.find((c) => c[0] === 'report');
  process.stdout.write('REPORT:' + JSON.stringify(report) + '\\nTICK:' + JSON.stringify(logged[0]) + '\\n');
  process.exit(0);
})();
`;
    const after = await runFixture('extra-arguments', 'output', main);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(JSON.parse(marker(after, 'REPORT') ?? 'null'), ['report', 'eu-west-1', 'hourly']);
    assert.deepEqual(JSON.parse(marker(after, 'TICK') ?? 'null'), ['tick']);
  });

  it('signal-in-scope: aborting the signal in scope stops the task without shutdown()', async () => {
    const main = `
globalThis.__calls = [];
(async () => {
  const controller = new AbortController();
  require('./fixture').watchJobs('jobs', controller.signal);
  await sleep(30);
  const running = timeouts();
  controller.abort();
  await sleep(20);
  console.log('RUNNING:' + running);
  ${ACTIVE_RESOURCES_SNIPPET}
  process.exit(0);
})();
`;
    const before = await runFixture('signal-in-scope', 'input', main);
    assert.ok(timeoutsIn(before) > 0, 'the input ignores the signal');
    const after = await runFixture('signal-in-scope', 'output', main);
    assert.equal(after.code, 0, after.stderr);
    assert.ok(Number(marker(after, 'RUNNING')) > 0);
    assert.equal(timeoutsIn(after), 0, JSON.stringify(activeResources(after.stdout)));
  });

  it('chained-unref-supervised: the unref()ed task does not hold the process, and shutdown() stops it', async () => {
    const main = `
globalThis.__calls = [];
(async () => {
  require('./fixture');
  await sleep(30);
  console.log('CALLS:' + JSON.stringify(globalThis.__calls.map((c) => c[0])));
  await require('@leakfix/runtime').shutdown({ timeoutMs: 1000 });
  ${ACTIVE_RESOURCES_SNIPPET}
})();
`;
    // No process.exit: the child must end on its own, as the unref()ed original did.
    const after = await runFixture('chained-unref-supervised', 'output', main);
    assert.equal(after.code, 0, after.stderr);
    assert.ok((JSON.parse(marker(after, 'CALLS') ?? '[]') as string[]).includes('sampleEventLoop'));
    assert.equal(timeoutsIn(after), 0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('supervise-intervals: a failing callback', () => {
  const main = (side: Side, failure: string, start = ''): string => `
globalThis.__calls = [];
${failure}
(async () => {
  require('./fixture');
  ${start}
  await sleep(80);
  console.log('CALLS:' + globalThis.__calls.length);
  ${side === 'output' ? "await require('@leakfix/runtime').shutdown({ timeoutMs: 1000 });" : ''}
  console.log('SURVIVED');
  process.exit(0);
})();
`;

  it('a throwing callback crashes the input process but not the rewritten one', async () => {
    const failure = "globalThis.__throwIn = 'refreshCache';";
    const before = await runFixture('module-dropped-handle', 'input', main('input', failure));
    assert.notEqual(before.code, 0, 'the input should crash');
    assert.match(before.stderr, /boom from refreshCache/);

    const after = await runFixture('module-dropped-handle', 'output', main('output', failure));
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /SURVIVED/);
    assert.ok(Number(marker(after, 'CALLS')) >= 2, `the task should keep running after a failure: ${after.stdout}`);
    assert.match(after.stdout + after.stderr, /boom from refreshCache/, 'the failure is logged, not swallowed');
  });

  it('a rejecting async callback crashes the input process but not the rewritten one', async () => {
    const failure = "globalThis.__rejectIn = 'push';";
    const start = "require('./fixture').startMetrics();";
    const before = await runFixture('function-dropped-async-callback', 'input', main('input', failure, start));
    assert.notEqual(before.code, 0, 'the input should crash on the unhandled rejection');

    const after = await runFixture('function-dropped-async-callback', 'output', main('output', failure, start));
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /SURVIVED/);
  });
});

// ---------------------------------------------------------------------------------------------

/** Ambient React types, enough for the .tsx fixtures. */
const REACT_SHIM = `
declare module 'react' {
  export type Cleanup = () => void;
  export function useEffect(effect: () => void | Cleanup, deps?: readonly unknown[]): void;
  export function useLayoutEffect(effect: () => void | Cleanup, deps?: readonly unknown[]): void;
  export function useState<T>(initial: T | (() => T)): [T, (next: T | ((previous: T) => T)) => void];
  export function createElement(...args: unknown[]): unknown;
  export class Component<P = {}, S = {}> {
    constructor(props: P);
    readonly props: P;
    state: S;
    render(): unknown;
  }
  export class PureComponent<P = {}, S = {}> extends Component<P, S> {}
  const React: {
    useEffect: typeof useEffect;
    useState: typeof useState;
    createElement: typeof createElement;
    Component: typeof Component;
    PureComponent: typeof PureComponent;
  };
  export default React;
}
declare namespace JSX {
  interface Element {}
  interface IntrinsicElements { [name: string]: { [attribute: string]: unknown } }
}
`;

const RUNTIME_TYPES = fs.existsSync(path.join(REPO_ROOT, 'runtime/dist/cjs/index.d.ts')) ? 'runtime/dist/cjs/index.d.ts' : 'runtime/src/index.ts';

/** Type errors of `files` (name → text), checked as one strict program with @types/node. */
function typeErrors(files: Record<string, string>): string[] {
  const root = path.join(REPO_ROOT, '.cache', 'tsc-supervise-intervals');
  const virtual = new Map(Object.entries(files).map(([name, text]) => [path.join(root, name), text]));
  virtual.set(path.join(root, 'react-shim.d.ts'), REACT_SHIM);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')],
    jsx: ts.JsxEmit.Preserve,
    esModuleInterop: true,
    skipLibCheck: true,
    baseUrl: REPO_ROOT,
    paths: { '@leakfix/runtime': [RUNTIME_TYPES] },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => virtual.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  host.getSourceFile = (name, languageVersion, onError) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, languageVersion, true) : getSourceFile(name, languageVersion, onError);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !(d.code === 2307 && /'\.{1,2}\//.test(ts.flattenDiagnosticMessageText(d.messageText, '\n')))) // stubs for the fixtures' own modules
    .map((d) => {
      const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('supervise-intervals: rewritten TypeScript type-checks', () => {
  const rewritten = CASES.filter((c) => (c.ext === 'ts' || c.ext === 'tsx') && c.output !== c.input);

  it(`every rewritten .ts/.tsx fixture (${rewritten.length}) passes tsc --noEmit with @types/node and the runtime's types`, () => {
    assert.ok(rewritten.length >= 10, 'expected rewritten TypeScript fixtures');
    const files = Object.fromEntries(rewritten.map((c) => [`${c.name}.${c.ext}`, `${c.output}\nexport {};\n`]));
    assert.deepEqual(typeErrors(files), []);
  });

  it('the check catches a rewrite that kept a timer annotation (control)', () => {
    const broken = fixture('typed-const-never-read').output.replace('const sweeper =', 'const sweeper: NodeJS.Timeout =');
    const errors = typeErrors({ 'broken.ts': broken });
    assert.ok(errors.some((e) => /TS2322|TS2741|TS2739|TS2740/.test(e)), `expected an assignability error, got ${JSON.stringify(errors)}`);
  });

  it('the check catches a class rewrite without its field declaration (control)', () => {
    const broken = fixture('custom-disposal-method').output.replace(/^\s*private timer\?: ReturnType<typeof setInterval>;\n/m, '');
    assert.notEqual(broken, fixture('custom-disposal-method').output);
    const errors = typeErrors({ 'broken.ts': broken });
    assert.ok(errors.some((e) => /TS2339/.test(e)), `expected a missing-property error, got ${JSON.stringify(errors)}`);
  });
});
