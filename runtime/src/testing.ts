/**
 * @leakfix/runtime/testing: a leak probe, the JavaScript form of Go's goroutine-count leak tests.
 * Take a probe before a test and check it after: it compares the process's ref'd resources
 * (`process.getActiveResourcesInfo()`, Node) and the runtime's registries (supervised tasks not
 * stopped, tracked promises pending), polling until a deadline so an async close can finish.
 *
 *   const probe = leakProbe();
 *   await runTheCodeUnderTest();
 *   await probe.check(); // throws LeakError listing each leaked resource
 *
 * Node lists only ref'd handles and ref'd timers in getActiveResourcesInfo() (an unref'd timer or
 * server is left out, checked on Node 20), so unref'd handles are ignored without extra work.
 *
 * Counts alone can miss a leak when a resource that existed before the probe (a test runner's own
 * timer) goes away while the test leaks one of the same type. So where Node offers
 * `process.getBuiltinModule` (>= 20.16), the probe also watches resources created after it with an
 * async hook, which both catches those and tells where each leaked resource was created.
 */
import { captureCreationSite } from './creation-site.js';
import { nodeProcess, RUNTIME_TIMER } from './host.js';
import { runtimeState, type TaskRecord, type TrackedRecord } from './state.js';

/** Captured at load: a test that installs fake timers later must not freeze the probe's polling. */
const realSetTimeout = globalThis.setTimeout.bind(globalThis);

export interface LeakProbeOptions {
  /** How long check() keeps polling before it reports. Default: 1000. */
  timeoutMs?: number;
  /** Pause between polls. Default: 10. */
  intervalMs?: number;
  /** Resource types never reported, e.g. ['FSReqCallback'] if a test runner writes in the background. */
  ignoreTypes?: readonly string[];
}

export interface Leak {
  /** 'resource': a Node resource type; 'task': a supervised task; 'promise': a tracked promise. */
  kind: 'resource' | 'task' | 'promise';
  /** The resource type ('Timeout', 'TCPServerWrap'...), or the task/promise name. */
  name: string;
  /** How many more than before the test (resources), else 1. */
  count: number;
  /** Where it was created: first stack frame outside the runtime (for resources, when watched). */
  createdAt?: string;
  /** One line for the report. */
  description: string;
}

export class LeakError extends Error {
  readonly leaks: readonly Leak[];
  constructor(leaks: readonly Leak[], waitedMs: number) {
    const noun = leaks.length === 1 ? 'leak' : 'leaks';
    super(`${leaks.length} ${noun} after waiting ${waitedMs} ms:\n${leaks.map((leak) => `  - ${leak.description}`).join('\n')}`);
    this.name = 'LeakError';
    this.leaks = leaks;
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
  readonly createdAt: () => string;
}

/** Resources created since the probe and not destroyed, ref'd and not the runtime's own timers. */
interface ResourceWatcher {
  live(): WatchedResource[];
  stop(): void;
}

function watchNewResources(): ResourceWatcher | undefined {
  let hooks: AsyncHooksModuleLike | undefined;
  try {
    hooks = nodeProcess()?.getBuiltinModule?.('node:async_hooks') as AsyncHooksModuleLike | undefined;
  } catch {
    return undefined;
  }
  if (typeof hooks?.createHook !== 'function') return undefined;
  const created = new Map<number, WatchedResource>();
  const hook = hooks
    .createHook({
      init(asyncId, type, _triggerAsyncId, resource) {
        const name = WATCHED_TYPES[type];
        // Deep stacks: a server's handle is created ten or more frames below the caller.
        if (name) created.set(asyncId, { type: name, resource: resource as WatchedResource['resource'], createdAt: captureCreationSite(40) });
      },
      destroy(asyncId) {
        created.delete(asyncId);
      },
    })
    .enable();
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
  const info = nodeProcess()?.getActiveResourcesInfo?.();
  for (const type of info ?? []) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function plural(count: number): string {
  return count === 1 ? '' : ` ×${count}`;
}

/** Takes a snapshot now; check() later reports what was added since and is still there. */
export function leakProbe(options: LeakProbeOptions = {}): LeakProbe {
  const state = runtimeState();
  const resourcesBefore = activeResourceCounts();
  const tasksBefore = new Set<TaskRecord>(state.tasks);
  const trackedBefore = new Set<TrackedRecord>(state.tracked);
  const ignored = new Set(options.ignoreTypes ?? []);
  let watcher = watchNewResources();

  const resourceLeaks = (leakedTasks: readonly TaskRecord[]): Leak[] => {
    // A leaked task's own timer would show up twice: once as 'Timeout', once by name.
    const timersOfLeakedTasks = leakedTasks.filter((task) => task.holdsRefTimer()).length;
    const watched = new Map<string, WatchedResource[]>();
    for (const entry of watcher?.live() ?? []) watched.set(entry.type, [...(watched.get(entry.type) ?? []), entry]);
    const counts = activeResourceCounts();
    const found: Leak[] = [];
    for (const type of new Set([...counts.keys(), ...watched.keys()])) {
      if (ignored.has(type)) continue;
      const byCount = (counts.get(type) ?? 0) - (resourcesBefore.get(type) ?? 0) - (type === 'Timeout' ? timersOfLeakedTasks : 0);
      const sites = (watched.get(type) ?? []).map((entry) => entry.createdAt());
      const count = Math.max(byCount, sites.length);
      if (count <= 0) continue;
      const where = sites.length === 0 ? '' : `, created at ${sites.slice(0, 5).join('; ')}${sites.length > 5 ? '; ...' : ''}`;
      found.push({ kind: 'resource', name: type, count, createdAt: sites[0], description: `${type}${plural(count)}: ${HINTS[type] ?? 'active resource'}${where}` });
    }
    return found;
  };

  const leaks = (): Leak[] => {
    const tasks = [...state.tasks].filter((task) => !tasksBefore.has(task));
    const found = resourceLeaks(tasks);
    for (const task of tasks) {
      const createdAt = task.createdAt();
      const status = task.phase() === 'running' ? 'not stopped' : 'stopped, but its last run is still in flight';
      found.push({ kind: 'task', name: task.name, count: 1, createdAt, description: `supervised task "${task.name}" ${status}, created at ${createdAt}` });
    }
    const now = Date.now();
    for (const entry of state.tracked) {
      if (trackedBefore.has(entry)) continue;
      const createdAt = entry.createdAt();
      found.push({
        kind: 'promise',
        name: entry.name,
        count: 1,
        createdAt,
        description: `tracked promise "${entry.name}" (group ${entry.group}) still pending after ${now - entry.startedAt} ms, created at ${createdAt}`,
      });
    }
    return found;
  };

  const dispose = (): void => {
    watcher?.stop();
    watcher = undefined;
  };

  const check = async (checkOptions: { timeoutMs?: number } = {}): Promise<void> => {
    const timeoutMs = checkOptions.timeoutMs ?? options.timeoutMs ?? 1000;
    const intervalMs = Math.max(1, options.intervalMs ?? 10);
    const started = Date.now();
    let polls = Math.ceil(timeoutMs / intervalMs);
    try {
      for (;;) {
        // Checked after the poll timer has fired and returned, so that timer is not counted itself.
        const current = leaks();
        if (current.length === 0) return;
        if (polls-- <= 0) throw new LeakError(current, Date.now() - started);
        await new Promise<void>((resolve) => {
          const timer = realSetTimeout(resolve, intervalMs) as unknown;
          if (typeof timer === 'object' && timer !== null) (timer as Record<symbol, unknown>)[RUNTIME_TIMER] = true;
        });
      }
    } finally {
      dispose();
    }
  };

  return { leaks, check, dispose };
}

/** Runs `fn` between a probe and its check; resolves to fn's result. */
export async function withLeakProbe<T>(fn: () => T | PromiseLike<T>, options: LeakProbeOptions = {}): Promise<T> {
  const probe = leakProbe(options);
  const result = await fn();
  await probe.check();
  return result;
}
