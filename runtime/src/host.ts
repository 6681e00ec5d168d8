/**
 * Everything the runtime needs from its host, looked up on `globalThis` at call time and never at
 * module load: the package must load in browsers, and test fake timers installed after import must
 * still apply to supervised tasks.
 */

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
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
  listenerCount?(event: string): number;
  kill?(pid: number, signal?: string): unknown;
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

/**
 * Marks the runtime's own timers, so the leak probe does not report a supervised task twice (once
 * by name, once as a bare Timeout) nor the timers of a stop or drain in progress.
 */
export const RUNTIME_TIMER = Symbol.for('@leakfix/runtime/timer');

/** `unref` only exists on Node timers; a browser timer never holds a process open anyway. */
function applyUnref(handle: TimerHandle, unref: boolean): TimerHandle {
  if (typeof handle === 'object') {
    (handle as Record<symbol, unknown>)[RUNTIME_TIMER] = true;
    if (unref && typeof handle.unref === 'function') handle.unref();
  }
  return handle;
}

export function startTimeout(callback: TimerCallback, ms: number, unref = false): TimerHandle {
  return applyUnref(timers().setTimeout(callback, ms), unref);
}

export function startInterval(callback: TimerCallback, ms: number, unref = false): TimerHandle {
  return applyUnref(timers().setInterval(callback, ms), unref);
}

export function cancelTimeout(handle: TimerHandle | undefined): void {
  if (handle !== undefined) timers().clearTimeout(handle);
}

export function cancelInterval(handle: TimerHandle | undefined): void {
  if (handle !== undefined) timers().clearInterval(handle);
}

/**
 * Resolves to true when `promise` settles within `timeoutMs`, false otherwise. The timer is ref'd
 * on purpose: a caller awaiting a stop or a drain must get its answer even when nothing else keeps
 * the process alive. It is cleared as soon as the promise settles.
 */
export function settlesWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = startTimeout(() => resolve(false), Math.max(0, timeoutMs));
    const done = (): void => {
      cancelTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/** Where the runtime can tell whether code runs inside one of its own runs (Node only). */
export interface AsyncLocalStorageLike<T> {
  run<R>(store: T, callback: () => R): R;
  getStore(): T | undefined;
}

interface AsyncHooksModule {
  AsyncLocalStorage: new <T>() => AsyncLocalStorageLike<T>;
}

/**
 * An AsyncLocalStorage from `node:async_hooks` when the host offers `process.getBuiltinModule`
 * (Node >= 20.16), else undefined. Loaded on first use, never at module load.
 */
export function createAsyncLocalStorage<T>(): AsyncLocalStorageLike<T> | undefined {
  try {
    const hooks = nodeProcess()?.getBuiltinModule?.('node:async_hooks') as AsyncHooksModule | undefined;
    return hooks ? new hooks.AsyncLocalStorage<T>() : undefined;
  } catch {
    return undefined;
  }
}
