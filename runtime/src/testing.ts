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
 */
import { nodeProcess } from './host.js';
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
  /** Where the task or promise was created (first stack frame outside the runtime). */
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
  /** Polls until nothing leaks or the deadline passes; then throws a LeakError. */
  check(options?: { timeoutMs?: number }): Promise<void>;
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

  const leaks = (): Leak[] => {
    const found: Leak[] = [];
    const tasks = [...state.tasks].filter((task) => !tasksBefore.has(task));
    // A leaked task's own timer would show up twice: once as 'Timeout', once by name.
    const timersOfLeakedTasks = tasks.filter((task) => task.holdsRefTimer()).length;
    for (const [type, count] of activeResourceCounts()) {
      if (ignored.has(type)) continue;
      const extra = count - (resourcesBefore.get(type) ?? 0) - (type === 'Timeout' ? timersOfLeakedTasks : 0);
      if (extra > 0) {
        found.push({ kind: 'resource', name: type, count: extra, description: `${type}${plural(extra)}: ${HINTS[type] ?? 'active resource'}` });
      }
    }
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

  const check = async (checkOptions: { timeoutMs?: number } = {}): Promise<void> => {
    const timeoutMs = checkOptions.timeoutMs ?? options.timeoutMs ?? 1000;
    const intervalMs = Math.max(1, options.intervalMs ?? 10);
    const started = Date.now();
    let polls = Math.ceil(timeoutMs / intervalMs);
    for (;;) {
      // Checked after the poll timer has fired and returned, so that timer is not counted itself.
      const current = leaks();
      if (current.length === 0) return;
      if (polls-- <= 0) throw new LeakError(current, Date.now() - started);
      await new Promise<void>((resolve) => realSetTimeout(resolve, intervalMs));
    }
  };

  return { leaks, check };
}

/** Runs `fn` between a probe and its check; resolves to fn's result. */
export async function withLeakProbe<T>(fn: () => T | PromiseLike<T>, options: LeakProbeOptions = {}): Promise<T> {
  const probe = leakProbe(options);
  const result = await fn();
  await probe.check();
  return result;
}
