/**
 * TaskGroup: a WaitGroup for promises. track() takes ownership of a promise so it can never become
 * an unhandled rejection: a rejection is logged with the name and stack and counted. drain() waits
 * for what is pending, up to a timeout, and says what was still pending; work started with go()
 * gets a signal that is aborted when a drain gives up on it.
 *
 *   const group = new TaskGroup({ name: 'requests' });
 *   group.track(audit.write(event), 'audit-write');
 *   group.go('warm-cache', (signal) => cache.warm({ signal }));
 *   const { timedOut, pending } = await group.drain({ timeoutMs: 2000 });
 */
/// <reference lib="esnext.disposable" preserve="true" />
import { captureTrackSite } from './creation-site.js';
import { settlesWithin } from './host.js';
import { describeError, log, stackOf } from './logger.js';
import { nextId, runtimeState, type TrackedRecord } from './state.js';

const DEFAULT_TIMEOUT_MS = 5000;

const asyncDisposeSymbol: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/** A promise still pending, as pending() and drain() report it. */
export interface PendingPromise {
  name: string;
  /** Milliseconds since track() or go(). */
  ageMs: number;
  /** The first stack frame outside the runtime where it was tracked. */
  createdAt: string;
}

export interface DrainOptions {
  /** How long to wait. Default: 5000. */
  timeoutMs?: number;
}

export interface DrainResult {
  /** Tracked promises that settled while the drain waited. */
  settled: number;
  /** The timeout passed with promises still pending. */
  timedOut: boolean;
  /** What was still pending when the drain ended (empty unless timedOut). */
  pending: PendingPromise[];
}

/** Passed to onRejection with the error. */
export interface TrackedRejection {
  name: string;
  group: string;
  createdAt: string;
}

export interface TaskGroupOptions {
  /** Shown in logs and leak reports. Default: 'group'. */
  name?: string;
  /** Called with each rejection instead of the default log (the rejection is counted either way). */
  onRejection?: (error: unknown, rejection: TrackedRejection) => void;
}

interface Entry extends TrackedRecord {
  readonly controller: AbortController | undefined;
}

export class TaskGroup {
  readonly name: string;
  readonly #onRejection: ((error: unknown, rejection: TrackedRejection) => void) | undefined;
  readonly #pending = new Set<Entry>();
  #whenEmpty: Array<() => void> = [];
  #settled = 0;
  #rejected = 0;

  constructor(options: TaskGroupOptions = {}) {
    this.name = options.name ?? 'group';
    this.#onRejection = options.onRejection;
  }

  /** Promises tracked and not yet settled. */
  get size(): number {
    return this.#pending.size;
  }

  /** Tracked promises that rejected so far. */
  get rejected(): number {
    return this.#rejected;
  }

  /**
   * Owns `promise`: a rejection is logged (name, stack) and counted, never unhandled. Returns
   * nothing on purpose, so the call is not a new floating promise. Non-promise values are accepted.
   */
  track(promise: PromiseLike<unknown>, name?: string): void {
    this.#add(promise, name, undefined);
  }

  /**
   * Starts `fn(signal)` now and tracks its result. The signal is aborted when a drain times out
   * while the work is pending; a rejection caused by that abort is not counted as a failure.
   */
  go(name: string, fn: (signal: AbortSignal) => unknown): void {
    const controller = new AbortController();
    const work = new Promise<unknown>((resolve) => resolve(fn(controller.signal)));
    this.#add(work, name, controller);
  }

  /** Each pending promise with its name and age, oldest first. */
  pending(): PendingPromise[] {
    const now = Date.now();
    return [...this.#pending].map((entry) => ({ name: entry.name, ageMs: now - entry.startedAt, createdAt: entry.createdAt() }));
  }

  /**
   * Waits until nothing is pending (promises tracked meanwhile included), up to timeoutMs. On
   * timeout, aborts the signals of pending go() work and logs what was left.
   */
  async drain(options: DrainOptions = {}): Promise<DrainResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const settledBefore = this.#settled;
    if (this.#pending.size === 0) return { settled: 0, timedOut: false, pending: [] };
    let onEmpty!: () => void;
    const empty = new Promise<void>((resolve) => (onEmpty = resolve));
    this.#whenEmpty.push(onEmpty);
    const drained = await settlesWithin(empty, timeoutMs);
    this.#whenEmpty = this.#whenEmpty.filter((waiter) => waiter !== onEmpty);
    const settled = this.#settled - settledBefore;
    if (drained) return { settled, timedOut: false, pending: [] };
    const pending = this.pending();
    for (const entry of this.#pending) entry.controller?.abort(drainTimeoutError(this.name, timeoutMs));
    log('warn', 'drain timed out', {
      op: 'drain',
      group: this.name,
      timeoutMs,
      pending: pending.map((entry) => entry.name),
    });
    return { settled, timedOut: true, pending };
  }

  /** `await using group = new TaskGroup()` drains it (default timeout) at the end of the scope. */
  async [asyncDisposeSymbol](): Promise<void> {
    await this.drain();
  }

  #add(promise: PromiseLike<unknown>, name: string | undefined, controller: AbortController | undefined): void {
    const entry: Entry = {
      id: nextId(),
      name: name ?? 'anonymous',
      group: this.name,
      startedAt: Date.now(),
      createdAt: captureTrackSite(),
      controller,
    };
    this.#pending.add(entry);
    runtimeState().tracked.add(entry);
    Promise.resolve(promise).then(
      () => this.#settle(entry),
      (error: unknown) => {
        this.#settle(entry);
        this.#reject(entry, error);
      },
    );
  }

  #settle(entry: Entry): void {
    this.#pending.delete(entry);
    runtimeState().tracked.delete(entry);
    this.#settled++;
    if (this.#pending.size === 0) {
      const waiters = this.#whenEmpty;
      this.#whenEmpty = [];
      for (const waiter of waiters) waiter();
    }
  }

  #reject(entry: Entry, error: unknown): void {
    const signal = entry.controller?.signal;
    if (signal?.aborted && (error === signal.reason || (error as { name?: unknown } | null)?.name === 'AbortError')) {
      log('info', 'tracked work cancelled', { op: 'cancel', task: entry.name, group: this.name });
      return;
    }
    this.#rejected++;
    const rejection: TrackedRejection = { name: entry.name, group: this.name, createdAt: entry.createdAt() };
    if (this.#onRejection) {
      try {
        this.#onRejection(error, rejection);
        return;
      } catch (handlerError) {
        log('error', 'onRejection threw', { op: 'onRejection', group: this.name, err: handlerError, stack: stackOf(handlerError) });
      }
    }
    log('error', 'tracked promise rejected', {
      op: 'track',
      task: entry.name,
      group: this.name,
      createdAt: rejection.createdAt,
      err: error,
      stack: stackOf(error) ?? describeError(error),
    });
  }
}

function drainTimeoutError(group: string, timeoutMs: number): Error {
  const error = new Error(`TaskGroup "${group}" drain timed out after ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}
