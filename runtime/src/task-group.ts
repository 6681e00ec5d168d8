/**
 * TaskGroup: a WaitGroup for promises. track() takes ownership of a promise so it can never become
 * an unhandled rejection: a rejection is logged with the name and stack and counted. drain() waits
 * for what is pending, up to a timeout, and says what was still pending; work started with go()
 * gets a signal that is aborted when a drain gives up on it. shutdown() drains every group.
 *
 *   const group = new TaskGroup({ name: 'requests' });
 *   group.track(audit.write(event), 'audit-write');
 *   group.go('warm-cache', (signal) => cache.warm({ signal }));
 *   const { timedOut, pending } = await group.drain({ timeoutMs: 2000 });
 */
import { diagnosticsChannels, publish } from './channels.js';
import { trackCaptureEnd, trackCaptureStart, trackSite, trackSiteOf, type TrackSite } from './creation-site.js';
import { describeError, describeName, isAbortOf, stackOf } from './describe.js';
import { now, settlesWithin, timeoutOption, forwardRejection } from './host.js';
import { callUserHook, log } from './logger.js';
import { runtimeState, type GroupRecord, type RuntimeState, type TrackedRecord } from './state.js';
import type { AsyncDisposable, HostAbortSignal } from './types.js';

const DEFAULT_TIMEOUT_MS = 5000;

const asyncDisposeSymbol: symbol =
  (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('Symbol.asyncDispose');

/** A promise still pending, as pending() and drain() report it. */
export interface PendingPromise {
  name: string;
  /** Milliseconds since track() or go(). */
  ageMs: number;
  /** The first stack frame outside the runtime where it was tracked. */
  createdAt: string;
}

export interface DrainOptions {
  /** How long to wait; Infinity waits as long as it takes. Default: 5000. */
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
  onRejection?: (error: unknown, rejection: TrackedRejection) => unknown;
}

/**
 * A tracked promise while it is pending, and a node of its group's pending list (oldest first).
 * Linked in and out in O(1) without hashing; the creation site is formatted only when read.
 */
class Entry implements TrackedRecord {
  readonly startedAt: number;
  older: Entry | undefined = undefined;
  newer: Entry | undefined = undefined;
  /** Set once the promise settled: a thenable that calls back twice is heard once. */
  settled = false;
  private _createdAt: string | undefined = undefined;

  constructor(
    readonly name: string,
    readonly group: string,
    private readonly _stack: TrackSite | undefined,
    readonly controller: InstanceType<typeof AbortController> | undefined,
  ) {
    this.startedAt = now();
  }

  createdAt(): string {
    return (this._createdAt ??= trackSiteOf(this._stack));
  }
}

let state: RuntimeState | undefined;

class TaskGroupImpl {
  readonly name: string;
  private readonly _onRejection: ((error: unknown, rejection: TrackedRejection) => unknown) | undefined;
  /** The pending list: oldest and newest entry, and how many there are. */
  private _oldest: Entry | undefined = undefined;
  private _newest: Entry | undefined = undefined;
  private _size = 0;
  private readonly _record: GroupRecord;
  /** Stays in the registry while empty too (the default group, which the state holds anyway). */
  private _keepRegistered = false;
  private _whenEmpty: Array<() => void> = [];
  private _settled = 0;
  private _rejected = 0;

  constructor(options: TaskGroupOptions = {}) {
    this.name = describeName(options?.name, 'group');
    const onRejection = options?.onRejection;
    if (onRejection !== undefined && typeof onRejection !== 'function') throw new TypeError(`TaskGroup "${this.name}": onRejection must be a function`);
    this._onRejection = onRejection;
    this._record = {
      name: this.name,
      pendingRecords: () => this._entries(),
      drain: (drainOptions) => this.drain(drainOptions),
    };
  }

  /** Promises tracked and not yet settled. */
  get size(): number {
    return this._size;
  }

  /** Tracked promises that rejected so far. */
  get rejected(): number {
    return this._rejected;
  }

  /**
   * Owns `promise`: a rejection is logged (name, stack) and counted, never unhandled. Returns
   * nothing on purpose, so the call is not a new floating promise. Non-promise values are accepted.
   */
  track(promise: PromiseLike<unknown>, name?: string): void {
    const site = trackSite(name);
    const stack = typeof site !== 'number' ? site : trackCaptureEnd(trackCaptureStart(), new Error(), name, site);
    this._add(promise, name, undefined, stack);
  }

  /**
   * Starts `fn(signal)` now and tracks its result. The signal is aborted when a drain times out
   * while the work is pending; a rejection caused by that abort is not counted as a failure.
   */
  go(name: string, fn: (signal: HostAbortSignal) => unknown): void {
    const label = describeName(name, 'anonymous');
    if (typeof fn !== 'function') throw new TypeError(`TaskGroup "${this.name}": go("${label}", fn) needs a function, got ${fn === null ? 'null' : typeof fn}`);
    const current = state ?? (state = runtimeState());
    if (current.shutdown !== undefined) {
      log('warn', 'go() after shutdown began: the work is not started', { op: 'go', task: label, group: this.name });
      return;
    }
    const controller = new AbortController();
    let work: unknown;
    try {
      work = fn(controller.signal as unknown as HostAbortSignal);
    } catch (error) {
      work = Promise.reject(error);
    }
    const site = trackSite(label);
    const stack = typeof site !== 'number' ? site : trackCaptureEnd(trackCaptureStart(), new Error(), label, site);
    this._add(work as PromiseLike<unknown>, label, controller, stack);
  }

  /** Each pending promise with its name and age, oldest first. */
  pending(): PendingPromise[] {
    const time = now();
    const list: PendingPromise[] = [];
    for (const entry of this._entries()) list.push({ name: entry.name, ageMs: Math.round(time - entry.startedAt), createdAt: entry.createdAt() });
    return list;
  }

  /**
   * Waits until nothing is pending (promises tracked meanwhile included), up to timeoutMs. On
   * timeout, aborts the signals of pending go() work and logs what was left.
   */
  async drain(options: DrainOptions = {}): Promise<DrainResult> {
    const timeoutMs = timeoutOption(options?.timeoutMs, DEFAULT_TIMEOUT_MS, `TaskGroup "${this.name}" drain()`);
    const settledBefore = this._settled;
    if (this._size === 0) return { settled: 0, timedOut: false, pending: [] };
    let onEmpty!: () => void;
    const empty = new Promise<void>((resolve) => (onEmpty = resolve));
    this._whenEmpty.push(onEmpty);
    const drained = await settlesWithin(empty, timeoutMs);
    this._whenEmpty = this._whenEmpty.filter((waiter) => waiter !== onEmpty);
    const settled = this._settled - settledBefore;
    if (drained) return { settled, timedOut: false, pending: [] };
    const pending = this.pending();
    for (const entry of this._entries()) entry.controller?.abort(drainTimeoutError(this.name, timeoutMs));
    log('warn', 'drain timed out', {
      op: 'drain',
      group: this.name,
      timeoutMs,
      pending: pending.map((entry) => entry.name),
    });
    return { settled, timedOut: true, pending };
  }

  /** The pending entries, oldest first, as a snapshot (an abort listener may track more). */
  private _entries(): Entry[] {
    const list: Entry[] = [];
    for (let entry = this._oldest; entry !== undefined; entry = entry.newer) list.push(entry);
    return list;
  }

  /** The hot path of track() and go(): no hashing, no formatting, two reactions on the promise. */
  private _add(promise: PromiseLike<unknown>, name: string | undefined, controller: InstanceType<typeof AbortController> | undefined, stack: TrackSite | undefined): void {
    const current = state ?? (state = runtimeState());
    const entry = new Entry(typeof name === 'string' ? name : describeName(name, 'anonymous'), this.name, stack, controller);
    if (current.shutdown !== undefined && controller === undefined) {
      log('warn', 'track() after shutdown began: shutdown may not wait for it', { op: 'track', task: entry.name, group: this.name, createdAt: entry.createdAt() });
    }
    const newest = this._newest;
    if (newest === undefined) {
      this._oldest = entry;
      if (!this._keepRegistered) current.groups.add(this._record);
    } else {
      newest.newer = entry;
      entry.older = newest;
    }
    this._newest = entry;
    this._size++;
    let thenable: PromiseLike<unknown>;
    try {
      thenable = promise instanceof Promise ? promise : Promise.resolve(promise);
    } catch (error) {
      thenable = Promise.reject(error);
    }
    thenable.then(
      () => this._settle(entry),
      (error: unknown) => {
        if (this._settle(entry)) this._reject(entry, error, thenable as Promise<unknown>);
      },
    );
  }

  /** Unlinks a settled entry; false when it had settled before. */
  private _settle(entry: Entry): boolean {
    if (entry.settled) return false;
    entry.settled = true;
    const { older, newer } = entry;
    if (older === undefined) this._oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this._newest = older;
    else newer.older = older;
    entry.older = entry.newer = undefined;
    this._size--;
    this._settled++;
    if (this._size === 0) {
      if (!this._keepRegistered) (state ?? runtimeState()).groups.delete(this._record);
      const waiters = this._whenEmpty;
      this._whenEmpty = [];
      for (const waiter of waiters) waiter();
    }
    return true;
  }

  private _reject(entry: Entry, error: unknown, promise: Promise<unknown>): void {
    if (isAbortOf(error, entry.controller?.signal)) {
      log('info', 'tracked work cancelled', { op: 'cancel', task: entry.name, group: this.name });
      return;
    }
    this._rejected++;
    const rejection: TrackedRejection = { name: entry.name, group: this.name, createdAt: entry.createdAt() };
    publish(diagnosticsChannels().trackReject, () => ({ name: entry.name, group: this.name, error }));
    const logRejection = (): void =>
      log('error', 'tracked promise rejected', {
        op: 'track',
        task: entry.name,
        group: this.name,
        createdAt: rejection.createdAt,
        err: error,
        stack: stackOf(error) ?? describeError(error),
      });
    const onRejection = this._onRejection;
    if (onRejection === undefined) {
      logRejection();
      // Where the app (or its test runner) watches unhandled rejections, it still sees this one.
      const { listenerError } = forwardRejection(error, promise);
      if (listenerError !== undefined) log('error', 'an unhandledRejection listener threw', { op: 'track', task: entry.name, group: this.name, err: listenerError, stack: stackOf(listenerError) });
    }
    // A throwing or rejecting onRejection is logged, and the default log runs too.
    else callUserHook('onRejection', { op: 'onRejection', group: this.name }, () => onRejection(error, rejection), logRejection);
  }
}

(TaskGroupImpl.prototype as unknown as Record<symbol, unknown>)[asyncDisposeSymbol] = async function (this: TaskGroupImpl): Promise<void> {
  await this.drain();
};

function drainTimeoutError(group: string, timeoutMs: number): Error {
  const error = new Error(`TaskGroup "${group}" drain timed out after ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** A TaskGroup; `await using group = new TaskGroup()` drains it (default timeout) at the end of the scope. */
export type TaskGroup = TaskGroupImpl & AsyncDisposable;
export const TaskGroup: new (options?: TaskGroupOptions) => TaskGroup = TaskGroupImpl as unknown as new (options?: TaskGroupOptions) => TaskGroup;

/** The group record of a TaskGroup, for shutdown(). */
export function groupRecordOf(group: TaskGroup): GroupRecord {
  return (group as unknown as { _record: GroupRecord })._record;
}

/**
 * Keeps a group in the registry while it is empty too, so a track() that finds it empty does not
 * add and remove it each time: for the default group, which the state holds anyway.
 */
export function keepRegistered(group: TaskGroup): void {
  const impl = group as unknown as { _keepRegistered: boolean; _record: GroupRecord };
  impl._keepRegistered = true;
  runtimeState().groups.add(impl._record);
}
