/**
 * @leakfix/runtime/testing: a leak probe, the JavaScript form of Go's goroutine-count leak tests
 * (goleak). Take a probe before a test and check it after: it reports the process's ref'd
 * resources created since and still there (Node), and the runtime's registries (supervised tasks
 * not stopped, tracked promises pending), polling until a deadline so an async close can finish.
 *
 *   const probe = leakProbe();
 *   await runTheCodeUnderTest();
 *   await probe.check(); // throws LeakError listing each leaked resource and where it was created
 *
 * Or one line for every test of a run: `node --import @leakfix/runtime/testing/node-test --test`,
 * vitest `setupFiles: ['@leakfix/runtime/testing/vitest']`, jest
 * `setupFilesAfterEnv: ['@leakfix/runtime/testing/jest']`.
 *
 * Two sources, so neither a count nor a watch alone misleads:
 * - where Node offers `process.getBuiltinModule` (>= 20.16), an async hook watches resources created
 *   after the probe and records where (the first frame outside the runtime, the test runner and Node);
 *   a resource whose stack has no such frame belongs to the test runner (its hook timeouts, reporter
 *   timers) and is not reported;
 * - otherwise, and for resource types the hook does not watch, `process.getActiveResourcesInfo()`
 *   counts by type (it lists only ref'd handles and timers: unref'd ones are ignored for free).
 */
import { captureCreationSite, isRuntimeFrame, type CreationSite } from './creation-site.js';
import { builtinModule, nodeProcess, now, RUNTIME_TIMER } from './host.js';
import { runtimeState, type TaskRecord, type TrackedRecord } from './state.js';

type SetTimeoutLike = (callback: () => void, ms: number) => unknown;

/** @sinonjs/fake-timers (jest, vitest) mark their functions with `clock`; jest.fn() with `_isMockFunction`. */
function isFake(fn: unknown): boolean {
  return typeof fn !== 'function' || 'clock' in (fn as object) || '_isMockFunction' in (fn as object);
}

/** Captured at load: a test that installs fake timers later must not freeze the probe's polling. */
const loadedSetTimeout = (globalThis as { setTimeout?: unknown }).setTimeout;
const loadedWasFake = isFake(loadedSetTimeout);

/**
 * A setTimeout that fake timers do not control: the one there was at load, unless fake timers were
 * installed already (jest's `fakeTimers.enableGlobally`); then Node's `node:timers`, which jest and
 * vitest leave alone.
 */
function realSetTimeout(): SetTimeoutLike {
  if (!loadedWasFake) return (loadedSetTimeout as SetTimeoutLike).bind(globalThis);
  const timers = builtinModule<{ setTimeout?: SetTimeoutLike }>('node:timers');
  if (timers?.setTimeout !== undefined && !isFake(timers.setTimeout)) return timers.setTimeout;
  return (globalThis as unknown as { setTimeout: SetTimeoutLike }).setTimeout;
}

export interface LeakProbeOptions {
  /** How long check() keeps polling before it reports. Default: 1000. */
  timeoutMs?: number;
  /** Pause between polls. Default: 10. */
  intervalMs?: number;
  /** Resource types never reported, e.g. ['FSReqCallback'] if a test runner writes in the background. */
  ignoreTypes?: readonly string[];
  /**
   * Leaks created from a matching stack are not reported (goleak's IgnoreTopFunction): a RegExp,
   * or a string looked for in any frame of the creation stack, e.g. ['node_modules/pino/'].
   */
  ignoreCreationSites?: ReadonlyArray<string | RegExp>;
  /**
   * true (default): what exists when the probe is taken is never reported (goleak's IgnoreCurrent).
   * false: everything alive at the check counts, as if nothing existed before.
   */
  ignoreCurrent?: boolean;
  /** The test the probe belongs to, named in the report. */
  testName?: string;
}

export interface Leak {
  /** 'resource': a Node resource type; 'task': a supervised task; 'promise': a tracked promise. */
  kind: 'resource' | 'task' | 'promise';
  /** The resource type ('Timeout', 'TCPServerWrap'...), or the task/promise name. */
  name: string;
  /** How many more than before the test (resources), else 1. */
  count: number;
  /** Where it was created: first stack frame outside the runtime, the test runner and Node. */
  createdAt?: string;
  /** The test it leaked from, when the probe knows it. */
  test?: string;
  /** One line for the report. */
  description: string;
}

export class LeakError extends Error {
  readonly leaks: readonly Leak[];
  readonly test: string | undefined;
  constructor(leaks: readonly Leak[], waitedMs: number, test?: string) {
    const noun = leaks.length === 1 ? 'leak' : 'leaks';
    const where = test === undefined ? '' : ` in test "${test}"`;
    super(`${leaks.length} ${noun}${where} after waiting ${waitedMs} ms:\n${leaks.map((leak) => `  - ${leak.description}`).join('\n')}`);
    this.name = 'LeakError';
    this.leaks = leaks;
    this.test = test;
  }
}

export interface LeakProbe {
  /** What leaked since the probe was taken, right now (no waiting). */
  leaks(): Leak[];
  /**
   * Polls until nothing leaks or the deadline passes; then throws a LeakError. Either way it ends
   * the probe's resource watching (later calls compare counts only).
   */
  check(options?: { timeoutMs?: number }): Promise<void>;
  /** Ends the resource watching without checking, for a probe whose check() will not run. */
  dispose(): void;
}

const HINTS: Record<string, string> = {
  Timeout: "ref'd setTimeout/setInterval never cleared (clear it, or unref it)",
  Immediate: 'setImmediate not yet run or cleared',
  TCPServerWrap: 'listening server (call close())',
  TCPSocketWrap: 'open TCP socket (end() or destroy() it)',
  PipeServerWrap: 'listening pipe server (call close())',
  PipeWrap: 'open pipe or stdio of a child process',
  ProcessWrap: 'child process still running',
  FSReqCallback: 'pending fs callback operation',
  FSReqPromise: 'pending fs promise operation',
  FileHandle: 'open fs FileHandle (call close())',
  FSEventWrap: 'fs.watch watcher (call close())',
  StatWatcher: 'fs.watchFile watcher (call unwatchFile())',
  MessagePort: 'open MessagePort/MessageChannel (call close())',
  UDPWrap: 'open UDP socket (call close())',
  Worker: 'worker thread still running (call terminate())',
};

/** async_hooks type names → the names getActiveResourcesInfo() uses, for the types worth watching. */
const WATCHED_TYPES: Record<string, string> = {
  Timeout: 'Timeout',
  Immediate: 'Immediate',
  TCPSERVERWRAP: 'TCPServerWrap',
  TCPWRAP: 'TCPSocketWrap',
  PIPESERVERWRAP: 'PipeServerWrap',
  PIPEWRAP: 'PipeWrap',
  PROCESSWRAP: 'ProcessWrap',
  FSEVENTWRAP: 'FSEventWrap',
  STATWATCHER: 'StatWatcher',
  UDPWRAP: 'UDPWrap',
  SIGNALWRAP: 'SignalWrap',
  MESSAGEPORT: 'MessagePort',
  WORKER: 'Worker',
};
const WATCHED_NAMES = new Set(Object.keys(WATCHED_TYPES).map((type) => WATCHED_TYPES[type]));

/** Frames of test runners (their own timers are not the test's) and of loaders in between. */
const RUNNER_FRAME = /[\\/]node_modules[\\/](?:jest[^\\/]*|@jest[\\/]|expect[\\/]|vitest[\\/]|@vitest[\\/]|vite-node[\\/]|tinypool[\\/]|tinyspy[\\/]|mocha[\\/]|ava[\\/]|source-map-support[\\/]|pirates[\\/])|\bnode:internal[\\/]test_runner/;

function isUserFrame(frame: string): boolean {
  if (/\((?:node:|internal[\\/])|^\s*at (?:async )?(?:node:|internal[\\/])|\(native\)/.test(frame)) return false;
  return !isRuntimeFrame(frame) && !RUNNER_FRAME.test(frame);
}

/** The first frame that is the app's or the test's: not the runtime, the test runner, or Node. */
function userSite(site: CreationSite): string | undefined {
  const frame = site.frames().find(isUserFrame);
  return frame === undefined ? undefined : frame.trim().replace(/^at (?:async )?/, '');
}

interface AsyncHookLike {
  enable(): AsyncHookLike;
  disable(): AsyncHookLike;
}

interface AsyncHooksModuleLike {
  createHook(callbacks: {
    init(asyncId: number, type: string, triggerAsyncId: number, resource: object): void;
    destroy(asyncId: number): void;
  }): AsyncHookLike;
}

interface WatchedResource {
  readonly type: string;
  readonly resource: { hasRef?: () => boolean; _destroyed?: boolean } & Record<symbol, unknown>;
  readonly site: CreationSite;
}

/** Resources created since the probe and not destroyed, ref'd and not the runtime's own timers. */
interface ResourceWatcher {
  live(): WatchedResource[];
  stop(): void;
}

function watchNewResources(): ResourceWatcher | undefined {
  const hooks = builtinModule<AsyncHooksModuleLike>('node:async_hooks');
  if (typeof hooks?.createHook !== 'function') return undefined;
  const created = new Map<number, WatchedResource>();
  let hook: AsyncHookLike;
  try {
    hook = hooks
      .createHook({
        init(asyncId, type, _triggerAsyncId, resource) {
          const name = WATCHED_TYPES[type];
          // Deep stacks: a server's handle is created ten or more frames below the caller.
          if (name) created.set(asyncId, { type: name, resource: resource as WatchedResource['resource'], site: captureCreationSite(40) });
        },
        destroy(asyncId) {
          created.delete(asyncId);
        },
      })
      .enable();
  } catch {
    return undefined;
  }
  return {
    live: () =>
      [...created.values()].filter(({ resource }) => {
        if (resource[RUNTIME_TIMER] === true || resource._destroyed === true) return false;
        return typeof resource.hasRef === 'function' ? resource.hasRef() : true;
      }),
    stop: () => {
      hook.disable();
      created.clear();
    },
  };
}

function activeResourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  let info: string[] | undefined;
  try {
    info = nodeProcess()?.getActiveResourcesInfo?.();
  } catch {
    info = undefined;
  }
  for (const type of info ?? []) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function plural(count: number): string {
  return count === 1 ? '' : ` ×${count}`;
}

function matcher(patterns: ReadonlyArray<string | RegExp>): (frames: readonly string[]) => boolean {
  if (patterns.length === 0) return () => false;
  return (frames) => {
    const text = frames.join('\n');
    return patterns.some((pattern) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)));
  };
}

function allTracked(): TrackedRecord[] {
  const list: TrackedRecord[] = [];
  for (const group of runtimeState().groups) for (const entry of group.pendingRecords()) list.push(entry);
  return list;
}

/**
 * stdout/stderr are created on first use: as pipes (CI, a child process) they are a 'PipeWrap'
 * that the first write, maybe the runtime's own log, would otherwise blame on the test.
 */
function openStdio(): void {
  const proc = nodeProcess();
  try {
    void proc?.stdout;
    void proc?.stderr;
  } catch {
    // No stdio (a worker without it).
  }
}

/** Takes a snapshot now; check() later reports what was added since and is still there. */
export function leakProbe(options: LeakProbeOptions = {}): LeakProbe {
  openStdio();
  const state = runtimeState();
  const current = options.ignoreCurrent !== false;
  const resourcesBefore = current ? activeResourceCounts() : new Map<string, number>();
  const refTimersBefore = current ? state.refTimers : 0;
  const tasksBefore = new Set<TaskRecord>(current ? state.tasks : []);
  const trackedBefore = new Set<TrackedRecord>(current ? allTracked() : []);
  const ignoredTypes = new Set(options.ignoreTypes ?? []);
  const ignoredSite = matcher(options.ignoreCreationSites ?? []);
  const test = options.testName;
  let watcher = watchNewResources();
  // While it watches, every track() records its own line: a report names where each leak began.
  let watching = true;
  state.siteProbes++;

  const resourceLeaks = (): Leak[] => {
    const watched = new Map<string, string[]>();
    for (const entry of watcher?.live() ?? []) {
      const frames = entry.site.frames();
      const site = userSite(entry.site);
      // No frame of the app or the test: the test runner's own (a hook timeout, a reporter timer).
      if (site === undefined || ignoredSite(frames)) continue;
      const list = watched.get(entry.type);
      if (list === undefined) watched.set(entry.type, [site]);
      else list.push(site);
    }
    const counts = activeResourceCounts();
    const found: Leak[] = [];
    for (const type of new Set([...counts.keys(), ...watched.keys()])) {
      if (ignoredTypes.has(type)) continue;
      const sites = watched.get(type) ?? [];
      let byCount = 0;
      // A watched type is judged by the watch alone while it runs: counts cannot tell the test's
      // resources from the runner's. Counts cover the rest, and everything without a watch.
      if (watcher === undefined || !WATCHED_NAMES.has(type) || !current) {
        byCount = (counts.get(type) ?? 0) - (resourcesBefore.get(type) ?? 0);
        // The runtime's own timers (a task's interval, a stop or drain waiting) are reported by name or not at all.
        if (type === 'Timeout') byCount -= state.refTimers - refTimersBefore;
      }
      const count = Math.max(byCount, sites.length);
      if (count <= 0) continue;
      const where = sites.length === 0 ? '' : `, created at ${sites.slice(0, 5).join('; ')}${sites.length > 5 ? '; ...' : ''}`;
      found.push({ kind: 'resource', name: type, count, createdAt: sites[0], test, description: `${type}${plural(count)}: ${HINTS[type] ?? 'active resource'}${where}` });
    }
    return found;
  };

  const leaks = (): Leak[] => {
    const found = resourceLeaks();
    for (const task of state.tasks) {
      if (tasksBefore.has(task)) continue;
      const createdAt = task.createdAt();
      const status = task.phase() === 'running' ? 'not stopped' : 'stopped, but its last run is still in flight';
      found.push({ kind: 'task', name: task.name, count: 1, createdAt, test, description: `supervised task "${task.name}" ${status}, created at ${createdAt}` });
    }
    const time = now();
    for (const entry of allTracked()) {
      if (trackedBefore.has(entry)) continue;
      const createdAt = entry.createdAt();
      found.push({
        kind: 'promise',
        name: entry.name,
        count: 1,
        createdAt,
        test,
        description: `tracked promise "${entry.name}" (group ${entry.group}) still pending after ${Math.round(time - entry.startedAt)} ms, created at ${createdAt}`,
      });
    }
    return found;
  };

  const dispose = (): void => {
    watcher?.stop();
    watcher = undefined;
    if (watching) state.siteProbes--;
    watching = false;
  };

  const check = async (checkOptions: { timeoutMs?: number } = {}): Promise<void> => {
    const timeoutMs = checkOptions.timeoutMs ?? options.timeoutMs ?? 1000;
    const intervalMs = Math.max(1, options.intervalMs ?? 10);
    const started = now();
    let polls = Math.ceil(timeoutMs / intervalMs);
    const wait = realSetTimeout();
    try {
      for (;;) {
        // Checked after the poll timer has fired and returned, so that timer is not counted itself.
        const found = leaks();
        if (found.length === 0) return;
        if (polls-- <= 0) throw new LeakError(found, Math.round(now() - started), test);
        await new Promise<void>((resolve) => {
          const timer = wait(resolve, intervalMs);
          if (typeof timer === 'object' && timer !== null) (timer as Record<symbol, unknown>)[RUNTIME_TIMER] = true;
        });
      }
    } finally {
      dispose();
    }
  };

  return { leaks, check, dispose };
}

/** Runs `fn` between a probe and its check; resolves to fn's result. The watch ends even when fn throws. */
export async function withLeakProbe<T>(fn: () => T | PromiseLike<T>, options: LeakProbeOptions = {}): Promise<T> {
  const probe = leakProbe(options);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    probe.dispose();
    throw error;
  }
  await probe.check();
  return result;
}

/** What installLeakChecks() needs from a test runner. */
export interface LeakCheckHooks {
  beforeEach(hook: (...args: any[]) => unknown): unknown;
  afterEach(hook: (...args: any[]) => unknown): unknown;
  /** The running test's name, given the hook's arguments. */
  testName?(...hookArgs: any[]): string | undefined;
}

let globalOptions: LeakProbeOptions = {};

/** Options for the checks installed by installLeakChecks() and the one-line opt-ins, from now on (merged). */
export function configureLeakChecks(options: LeakProbeOptions): void {
  globalOptions = {
    ...globalOptions,
    ...options,
    ignoreTypes: [...(globalOptions.ignoreTypes ?? []), ...(options.ignoreTypes ?? [])],
    ignoreCreationSites: [...(globalOptions.ignoreCreationSites ?? []), ...(options.ignoreCreationSites ?? [])],
  };
}

/**
 * A probe before every test and its check after it, through the runner's beforeEach/afterEach.
 * The opt-in entry points (testing/node-test, testing/vitest, testing/jest) call this.
 */
export function installLeakChecks(hooks: LeakCheckHooks, options: LeakProbeOptions = {}): void {
  configureLeakChecks(options);
  let probe: LeakProbe | undefined;
  hooks.beforeEach((...args: unknown[]) => {
    probe?.dispose();
    let testName: string | undefined;
    try {
      testName = hooks.testName?.(...args);
    } catch {
      testName = undefined;
    }
    probe = leakProbe({ ...globalOptions, testName });
  });
  hooks.afterEach(async () => {
    const current = probe;
    probe = undefined;
    if (current !== undefined) await current.check();
  });
}
