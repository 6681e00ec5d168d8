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

/**
 * A React with just enough hooks to mount a function component once and unmount it, and a class
 * component lifecycle as React runs it: constructor, render(), componentDidMount(), and on unmount
 * componentWillUnmount() only (React never calls close() or stop()).
 */
const REACT_STUB = `
const cleanups = [];
class Component {
  constructor(props) {
    this.props = props;
    this.state = {};
  }
  setState() {}
}
class PureComponent extends Component {}
function mount(Class, props) {
  const instance = new Class(props);
  instance.render();
  if (instance.componentDidMount) instance.componentDidMount();
  return { instance, unmount: () => instance.componentWillUnmount && instance.componentWillUnmount() };
}
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
  Component,
  PureComponent,
  mount,
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
  return runSource(`${name} (${side})`, side === 'input' ? c.input : c.output, c.ext, main);
}

/** Runs `source` (a fixture's text, or a control variant of it) as `fixture.js` under `main`. */
async function runSource(label: string, source: string, ext: string, main: string): Promise<RunResult> {
  const files: Record<string, string> = {
    [`fixture.js`]: toCommonJs(source, `fixture.${ext}`),
    'node_modules/react/index.js': REACT_STUB,
    'main.js': `${COMPRESS_TIMERS}\n${main}`,
  };
  for (const specifier of relativeImports(source)) files[`${specifier.replace(/^\.\//, '')}.js`] = RECORDING_STUB;
  const dir = writeModules(files);
  const result = await runNode(dir, 'main.js', { timeoutMs: 15_000 });
  assert.equal(result.timedOut, false, `${label} timed out; stderr: ${result.stderr}`);
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
// End of life: a disposal method called mid-life, React class components.

/** `replace` that must hit, so a control cannot silently test the unmodified text. */
function edited(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `control edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, to);
}

const TRANSPORT_MAIN = `
(async () => {
  const { HeartbeatTransport } = require('./fixture');
  let pings = 0;
  const socket = { ping() { pings++; }, close() {} };
  const transport = new HeartbeatTransport('ws://localhost', socket);
  await sleep(20);
  transport._onClose(); // a network blip: the base class disconnects, then reconnects
  const atReconnect = pings;
  await sleep(40);
  console.log('PINGS_AFTER_RECONNECT:' + (pings - atReconnect));
  process.exit(0);
})();
`;

const POLLING_CLIENT_MAIN = `
const { PollingClient } = require('./fixture');
const client = new PollingClient();
client.connect();
client.reconnect();
client.reconnect();
console.log('AFTER_RECONNECTS:' + timeouts());
client.disconnect();
setImmediate(() => {
  ${ACTIVE_RESOURCES_SNIPPET}
  process.exit(0);
});
`;

describe('supervise-intervals: a disposal method called mid-life', () => {
  const name = 'disposal-called-mid-life';

  it('a reconnecting transport keeps its heartbeats after a reconnect', async () => {
    const after = await runFixture(name, 'output', TRANSPORT_MAIN);
    assert.equal(after.code, 0, after.stderr);
    assert.ok(Number(marker(after, 'PINGS_AFTER_RECONNECT')) > 0, `heartbeats stopped after a reconnect: ${after.stdout}`);
  });

  it("the check catches the earlier rewrite, which cleared the heartbeat in disconnect() (control)", async () => {
    let today = edited(fixture(name).output, 'setInterval(() => this.socket.ping(), 25000);', 'this.pingTimer = setInterval(() => this.socket.ping(), 25000);');
    today = edited(today, 'disconnect() {\n    this.socket.close();', 'disconnect() {\n    clearInterval(this.pingTimer);\n    this.socket.close();');
    const result = await runSource('transport (earlier rewrite)', today, 'js', TRANSPORT_MAIN);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(Number(marker(result, 'PINGS_AFTER_RECONNECT')), 0, 'the earlier rewrite stops the heartbeat at the first reconnect');
  });

  it('an interval that reconnect() starts again is cleared by disconnect(): one live interval, none after the last disconnect (the input piles them up)', async () => {
    const before = await runFixture(name, 'input', POLLING_CLIENT_MAIN);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(Number(marker(before, 'AFTER_RECONNECTS')), 3, 'the input starts one more interval per connect');
    assert.ok(timeoutsIn(before) > 0);

    const after = await runFixture(name, 'output', POLLING_CLIENT_MAIN);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(Number(marker(after, 'AFTER_RECONNECTS')), 1);
    assert.equal(timeoutsIn(after), 0, JSON.stringify(activeResources(after.stdout)));
  });
});

const MODAL_MAIN = `
const React = require('react');
const { PollingModal, Ticker } = require('./fixture');
(async () => {
  let polls = 0;
  const modal = React.mount(PollingModal, { poll: () => polls++, onClose() {} });
  await sleep(20);
  modal.instance.close(); // the modal closes; the component is still mounted
  const atClose = polls;
  await sleep(40);
  console.log('POLLS_AFTER_CLOSE:' + (polls - atClose));
  modal.unmount();
  React.mount(Ticker, { onLeave() {} }).unmount();
  setImmediate(() => {
    ${ACTIVE_RESOURCES_SNIPPET}
    process.exit(0);
  });
})();
`;

describe('supervise-intervals: React class components', () => {
  const name = 'react-class-component';

  it('closing a modal does not stop a mounted component\'s poll; unmounting leaves no active Timeout (the input leaves them)', async () => {
    const before = await runFixture(name, 'input', MODAL_MAIN);
    assert.equal(before.code, 0, before.stderr);
    assert.ok(timeoutsIn(before) > 0, 'the input was expected to leak its intervals past unmount');

    const after = await runFixture(name, 'output', MODAL_MAIN);
    assert.equal(after.code, 0, after.stderr);
    assert.ok(Number(marker(after, 'POLLS_AFTER_CLOSE')) > 0, `the poll stopped when the modal closed: ${after.stdout}`);
    assert.equal(timeoutsIn(after), 0, `active after unmount: ${JSON.stringify(activeResources(after.stdout))}`);
  });

  it('the check catches the earlier rewrite, which cleared the poll in close() (control)', async () => {
    let today = edited(fixture(name).output, '  componentWillUnmount() {\n    clearInterval(this.pollTimer);\n  }\n  close() {\n', '  close() {\n    clearInterval(this.pollTimer);\n');
    const result = await runSource('modal (earlier rewrite)', today, 'tsx', MODAL_MAIN);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(Number(marker(result, 'POLLS_AFTER_CLOSE')), 0, 'the earlier rewrite stops the poll when the modal closes');
    today = edited(fixture(name).output, '    clearInterval(this.pollTimer);\n', '');
    const leaked = await runSource('modal (no unmount clear)', today, 'tsx', MODAL_MAIN);
    assert.ok(timeoutsIn(leaked) > 0, 'without the clear in componentWillUnmount the poll outlives the unmount');
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
  // Until the task has run again after its failure (or 5 s): a loaded machine may be slow to tick.
  for (let i = 0; i < 250 && globalThis.__calls.length < 3; i++) await sleep(20);
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
