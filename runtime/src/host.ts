/**
 * Everything the runtime needs from its host, looked up on `globalThis` at call time and never at
 * module load: the package must load in browsers, and test fake timers installed after import must
 * still apply to supervised tasks.
 */
import { runtimeState } from './state.js';

/** What a timer id can be: a Node `Timeout` object (with ref/unref) or a browser number. */
export type TimerHandle = { unref?: () => unknown; ref?: () => unknown } | number;

type TimerCallback = () => void;

interface TimerHost {
  setTimeout(callback: TimerCallback, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: TimerCallback, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** The parts of Node's `process` the runtime uses, all optional because browsers have none. */
export interface NodeProcessLike {
  pid?: number;
  env?: Record<string, string | undefined>;
  stdout?: unknown;
  stderr?: unknown;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  listenerCount?(event: string): number;
  emit?(event: string, ...args: unknown[]): boolean;
  kill?(pid: number, signal?: string): unknown;
  exit?(code?: number): never;
  getActiveResourcesInfo?(): string[];
  getBuiltinModule?(id: string): unknown;
}

function timers(): TimerHost {
  return globalThis as unknown as TimerHost;
}

/** Node's `process`, or undefined in browsers and workers without one. */
export function nodeProcess(): NodeProcessLike | undefined {
  const candidate = (globalThis as { process?: unknown }).process;
  return typeof candidate === 'object' && candidate !== null ? (candidate as NodeProcessLike) : undefined;
}

/** A Node built-in module through `process.getBuiltinModule` (Node >= 20.16), never imported at load. */
export function builtinModule<T>(id: string): T | undefined {
  try {
    return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/**
 * A monotonic clock in milliseconds, so budget windows and deadlines do not jump with the wall
 * clock: `process.hrtime()` in Node (not `performance`, whose first use loads a module, which
 * would delay the caller's timers), else `performance.now()`, else Date.now().
 */
export function now(): number {
  const hrtime = (nodeProcess() as { hrtime?: () => [number, number] } | undefined)?.hrtime;
  if (typeof hrtime === 'function') {
    const [seconds, nanoseconds] = hrtime();
    return seconds * 1e3 + nanoseconds / 1e6;
  }
  const perf = (globalThis as { performance?: { now?: () => number } }).performance;
  return perf !== undefined && typeof perf.now === 'function' ? perf.now() : Date.now();
}

/**
 * Marks the runtime's own timers, so the leak probe does not report a supervised task twice (once
 * by name, once as a bare Timeout) nor the timers of a stop or drain in progress.
 */
export const RUNTIME_TIMER = Symbol.for('@leakfix/runtime/timer');

/** The longest delay a host timer takes; longer ones are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer the runtime owns; cancel() is idempotent. */
export interface RuntimeTimer {
  cancel(): void;
}

function mark(handle: TimerHandle, unref: boolean): TimerHandle {
  if (typeof handle === 'object' && handle !== null) {
    (handle as Record<symbol, unknown>)[RUNTIME_TIMER] = true;
    if (unref && typeof handle.unref === 'function') handle.unref();
  }
  return handle;
}

/**
 * Counts the runtime's live ref'd host timers, which `process.getActiveResourcesInfo()` lists as
 * 'Timeout': the leak probe subtracts them when it compares counts.
 */
function holdRef(unref: boolean): () => void {
  if (unref) return () => undefined;
  const state = runtimeState();
  state.refTimers++;
  let held = true;
  return () => {
    if (held) {
      held = false;
      state.refTimers--;
    }
  };
}

/**
 * Calls `callback` once after `ms` (fractions and values below 1 as setTimeout does). `Infinity`
 * never fires and holds no timer; delays above 2^31−1 ms are chained host timers.
 */
export function after(ms: number, callback: TimerCallback, unref = false): RuntimeTimer {
  if (ms === Number.POSITIVE_INFINITY) return { cancel: () => undefined };
  const release = holdRef(unref);
  let handle: TimerHandle | undefined;
  // Counted down by the delays armed, not by a clock, so fake timers see the same schedule.
  let remaining = Math.max(0, ms);
  const arm = (): void => {
    const delay = Math.min(MAX_TIMER_MS, remaining);
    remaining -= delay;
    handle = mark(
      timers().setTimeout(() => {
        if (remaining > 0) {
          arm();
          return;
        }
        handle = undefined;
        release();
        callback();
      }, delay),
      unref,
    );
  };
  arm();
  return {
    cancel: () => {
      if (handle !== undefined) timers().clearTimeout(handle);
      handle = undefined;
      release();
    },
  };
}

/** Calls `callback` every `ms`: setInterval when the host takes the delay, else chained after(). */
export function every(ms: number, callback: TimerCallback, unref = false): RuntimeTimer {
  if (ms > MAX_TIMER_MS) {
    let current: RuntimeTimer | undefined;
    let cancelled = false;
    const arm = (): void => {
      current = after(ms, () => {
        if (cancelled) return;
        arm();
        callback();
      }, unref);
    };
    arm();
    return {
      cancel: () => {
        cancelled = true;
        current?.cancel();
      },
    };
  }
  const release = holdRef(unref);
  let handle: TimerHandle | undefined = mark(timers().setInterval(callback, ms), unref);
  return {
    cancel: () => {
      if (handle !== undefined) timers().clearInterval(handle);
      handle = undefined;
      release();
    },
  };
}

/**
 * Resolves to true when `promise` settles within `timeoutMs`, false otherwise; Infinity waits for
 * as long as it takes. The timer is ref'd on purpose: a caller awaiting a stop or a drain must get
 * its answer even when nothing else keeps the process alive. It is cleared once the promise settles.
 */
export function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = after(timeoutMs, () => resolve(false));
    const done = (): void => {
      timer.cancel();
      resolve(true);
    };
    promise.then(done, done);
  });
}

/**
 * A timeout option: undefined → `fallback`; Infinity → no deadline; any other non-negative number
 * as given. Anything else is a mistake at the call and throws.
 */
export function timeoutOption(value: unknown, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${what}: timeoutMs must be a number of milliseconds (or Infinity), got ${typeof value}`);
  if (Number.isNaN(value) || value < 0) throw new RangeError(`${what}: timeoutMs must be >= 0 (or Infinity), got ${value}`);
  return value;
}

/** A page's way to announce an unhandled rejection (`window.onunhandledrejection`, Sentry's handler). */
interface PageHost {
  dispatchEvent?(event: unknown): boolean;
  PromiseRejectionEvent?: new (type: string, init: { promise: Promise<unknown>; reason: unknown; cancelable?: boolean }) => unknown;
}

/**
 * Hands a tracked promise's rejection to whatever watches unhandled rejections in this host, as
 * the rejection would have reached it before it was tracked: Node's `unhandledRejection` listeners
 * (an app's error log or Sentry, a test runner that fails the running test) or, in a page,
 * `unhandledrejection` handlers on the global. With no watcher nothing happens: Node would have
 * crashed, which is what tracking prevents. `setRejectionForwarding(false)` turns it off.
 * Returns the error a watcher threw, so the caller can log it; never throws.
 */
export function forwardRejection(reason: unknown, promise: Promise<unknown>): { forwarded: boolean; listenerError?: unknown } {
  if (runtimeState().forwardRejections === false) return { forwarded: false };
  try {
    const proc = nodeProcess();
    if (proc?.emit !== undefined && typeof proc.listenerCount === 'function') {
      if (proc.listenerCount('unhandledRejection') === 0) return { forwarded: false };
      proc.emit('unhandledRejection', reason, promise);
      return { forwarded: true };
    }
    const page = globalThis as PageHost;
    if (typeof page.PromiseRejectionEvent === 'function' && typeof page.dispatchEvent === 'function') {
      page.dispatchEvent(new page.PromiseRejectionEvent('unhandledrejection', { promise, reason, cancelable: true }));
      return { forwarded: true };
    }
  } catch (listenerError) {
    return { forwarded: true, listenerError };
  }
  return { forwarded: false };
}

/**
 * Whether a tracked rejection is also handed to the host's unhandled-rejection watchers (Node
 * `process.on('unhandledRejection')` listeners, a page's `unhandledrejection` handlers), so error
 * logs, error monitors and test runners see it as before. Default: on; `undefined` restores it.
 * A TaskGroup with `onRejection` owns its rejections and never forwards them.
 */
export function setRejectionForwarding(enabled: boolean | undefined): void {
  runtimeState().forwardRejections = enabled;
}
