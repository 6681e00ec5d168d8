/**
 * supervise(): a setInterval that cannot leak or crash. Runs never overlap (ticks that arrive while a
 * run is in flight are dropped), errors are caught per run and reported, consecutive failures back
 * off exponentially, and the returned handle stops the timer, aborts the run's signal and waits for
 * the run in flight. Every task is registered so shutdown() and the leak probe can find it.
 *
 *   const task = supervise('poll-queue', async ({ signal }) => drain(queue, { signal }), { everyMs: 1000 });
 *   await task.stop(); // { reason: 'stopped', timedOut: false }
 */
/// <reference lib="esnext.disposable" preserve="true" />
import { captureCreationSite } from './creation-site.js';
import {
  cancelInterval,
  cancelTimeout,
  createAsyncLocalStorage,
  settlesWithin,
  startInterval,
  startTimeout,
  type AsyncLocalStorageLike,
  type TimerHandle,
} from './host.js';
import { describeError, log, stackOf } from './logger.js';
import { nextId, runtimeState, type ExitReason, type StopResult, type TaskRecord } from './state.js';

export type { ExitReason, StopResult } from './state.js';

/** What each run receives. */
export interface RunContext {
  /** Aborted when the task stops (stop(), the task's signal, shutdown, failure budget). */
  readonly signal: AbortSignal;
  /** 1 for the first run, 2 for the second, and so on. */
  readonly attempt: number;
}

export interface BackoffOptions {
  /** Delay before the run after the first failure. Default: everyMs. */
  initialMs?: number;
  /** Each further consecutive failure multiplies the delay by this. Default: 2. */
  factor?: number;
  /** Upper bound of the delay. Default: the larger of everyMs and 30 000. */
  maxMs?: number;
}

export interface FailureBudget {
  /** The task stops with reason 'failed' when this many runs fail within periodMs. */
  maxFailures: number;
  /** The window the failures are counted in. Default: the task's whole life. */
  periodMs?: number;
}

/** Passed to onError with the error. */
export interface RunFailure {
  task: string;
  attempt: number;
  failures: number;
  consecutiveFailures: number;
  /** When the next run starts, or undefined when the task stops because of this failure. */
  nextRunInMs: number | undefined;
}

export interface SuperviseOptions {
  /** Interval between runs, as with setInterval. */
  everyMs: number;
  /** Run once right away (on a microtask) instead of waiting a first interval. Default: false. */
  runImmediately?: boolean;
  /** Let the process exit while the task is scheduled (Node). Default: false, as setInterval. */
  unref?: boolean;
  /** Stops the task (reason 'aborted') when aborted. */
  signal?: AbortSignal;
  /** Called with each run's error. Default: log task name, error, stack and attempt. */
  onError?: (error: unknown, failure: RunFailure) => void;
  /** Exponential backoff after consecutive failures; false keeps the plain interval. */
  backoff?: BackoffOptions | false;
  /** Stop the task once too many runs fail. Default: no budget, the loop goes on. */
  failureBudget?: FailureBudget;
}

export interface StopOptions {
  /** How long to wait for the run in flight. Default: 5000. */
  timeoutMs?: number;
}

export interface SupervisedTask {
  readonly name: string;
  /** A run is in flight. */
  readonly running: boolean;
  /** Runs started so far. */
  readonly runs: number;
  /** Runs that threw or rejected. */
  readonly failures: number;
  /** stop() was called, or the task stopped by itself (signal, shutdown, failure budget). */
  readonly stopped: boolean;
  /**
   * Clears the timer, aborts the run's signal and waits up to timeoutMs for the run in flight.
   * Idempotent: later calls return the first call's result. Never rejects. Called from inside the
   * task's own run it resolves at once instead of waiting for itself.
   */
  stop(options?: StopOptions): Promise<StopResult>;
  /** `await using task = supervise(...)` stops the task at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BACKOFF_MS = 30_000;
/** Node clamps larger delays to 1 ms; so do we, so a rewritten setInterval keeps its timing. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const asyncDisposeSymbol: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/** Which run of which task the current async context belongs to (Node); see isInsideOwnRun. */
interface RunMarker {
  readonly task: object;
  readonly runId: number;
}

let runContext: AsyncLocalStorageLike<RunMarker> | undefined | null = null;

function runStorage(): AsyncLocalStorageLike<RunMarker> | undefined {
  if (runContext === null) runContext = createAsyncLocalStorage<RunMarker>();
  return runContext;
}

/** Mirrors setInterval's handling of odd delays (NaN, negative, huge → 1 ms). */
function normalizeDelay(ms: unknown): number {
  const value = Number(ms);
  return Number.isFinite(value) && value >= 1 && value <= MAX_TIMER_MS ? value : 1;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

interface Backoff {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

function resolveBackoff(options: BackoffOptions | false | undefined, everyMs: number): Backoff | undefined {
  if (options === false) return undefined;
  const initialMs = positiveOr(options?.initialMs, everyMs);
  const factor = Math.max(1, positiveOr(options?.factor, 2));
  const maxMs = Math.max(initialMs, positiveOr(options?.maxMs, Math.max(everyMs, DEFAULT_MAX_BACKOFF_MS)));
  return { initialMs, factor, maxMs };
}

/** The delay before the next run after `consecutiveFailures` failures in a row (>= 1). */
export function backoffDelay(backoff: Backoff, consecutiveFailures: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (consecutiveFailures - 1));
}

function isAbortError(error: unknown, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  if (error === signal.reason) return true;
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function defaultOnError(error: unknown, failure: RunFailure): void {
  log('error', 'run failed', {
    op: 'run',
    task: failure.task,
    attempt: failure.attempt,
    consecutiveFailures: failure.consecutiveFailures,
    nextRunInMs: failure.nextRunInMs,
    err: error,
    stack: stackOf(error) ?? describeError(error),
  });
}

class Supervisor implements SupervisedTask {
  readonly name: string;
  readonly #fn: (run: RunContext) => unknown;
  readonly #everyMs: number;
  readonly #unref: boolean;
  readonly #backoff: Backoff | undefined;
  readonly #budget: FailureBudget | undefined;
  readonly #onError: (error: unknown, failure: RunFailure) => void;
  readonly #externalSignal: AbortSignal | undefined;
  readonly #controller = new AbortController();
  readonly #record: TaskRecord;

  #interval: TimerHandle | undefined;
  #backoffTimer: TimerHandle | undefined;
  #inFlight: Promise<void> | undefined;
  #runId = 0;
  #insideSyncCall = 0;
  #runs = 0;
  #failures = 0;
  #consecutiveFailures = 0;
  #recentFailures: number[] = [];
  #reason: ExitReason | undefined;
  #stopping: Promise<StopResult> | undefined;
  #exited = false;

  constructor(name: string, fn: (run: RunContext) => unknown, options: SuperviseOptions) {
    this.name = name;
    this.#fn = fn;
    this.#everyMs = normalizeDelay(options.everyMs);
    this.#unref = options.unref === true;
    this.#backoff = resolveBackoff(options.backoff, this.#everyMs);
    this.#budget = options.failureBudget;
    this.#onError = options.onError ?? defaultOnError;
    this.#externalSignal = options.signal;
    const createdAt = captureCreationSite();
    this.#record = {
      id: nextId(),
      name,
      createdAt,
      phase: () => (this.#stopping ? 'stopping' : 'running'),
      holdsRefTimer: () => !this.#unref && (this.#interval !== undefined || this.#backoffTimer !== undefined),
      stopFor: (reason, timeoutMs) => this.#stop(reason, timeoutMs),
    };
  }

  get running(): boolean {
    return this.#inFlight !== undefined;
  }
  get runs(): number {
    return this.#runs;
  }
  get failures(): number {
    return this.#failures;
  }
  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  start(runImmediately: boolean): void {
    const state = runtimeState();
    state.tasks.add(this.#record);
    if (state.shutdown !== undefined) {
      void this.#stop('shutdown', 0);
      return;
    }
    if (this.#externalSignal?.aborted) {
      void this.#stop('aborted', 0);
      return;
    }
    this.#externalSignal?.addEventListener('abort', this.#onExternalAbort, { once: true });
    this.#interval = startInterval(this.#tick, this.#everyMs, this.#unref);
    // A microtask, not a synchronous call: `const task = supervise(...)` is initialized by then.
    if (runImmediately) queueMicrotask(this.#tick);
  }

  stop(options: StopOptions = {}): Promise<StopResult> {
    return this.#stop('stopped', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  async [asyncDisposeSymbol](): Promise<void> {
    await this.stop();
  }

  readonly #onExternalAbort = (): void => {
    void this.#stop('aborted', DEFAULT_TIMEOUT_MS);
  };

  /** A timer tick. Ticks that arrive while a run is in flight are dropped, never queued. */
  readonly #tick = (): void => {
    if (this.#stopping || this.#inFlight) return;
    this.#startRun();
  };

  #startRun(): void {
    const runId = ++this.#runId;
    const attempt = ++this.#runs;
    let finish!: () => void;
    // Set before fn is called, so a stop() from fn's synchronous part already sees the run.
    this.#inFlight = new Promise<void>((resolve) => (finish = resolve));
    const context: RunContext = { signal: this.#controller.signal, attempt };
    const storage = runStorage();
    const call = (): unknown => this.#fn(context);
    this.#insideSyncCall++;
    let outcome: Promise<unknown>;
    try {
      outcome = Promise.resolve(storage ? storage.run({ task: this, runId }, call) : call());
    } catch (error) {
      outcome = Promise.reject(error);
    } finally {
      this.#insideSyncCall--;
    }
    outcome
      .then(
        () => this.#afterRun(attempt, false, undefined),
        (error: unknown) => this.#afterRun(attempt, true, error),
      )
      // #afterRun reports its own errors; this only keeps a bug there from escaping.
      .catch(() => undefined)
      .then(finish);
  }

  #afterRun(attempt: number, failed: boolean, error: unknown): void {
    this.#inFlight = undefined;
    if (this.#stopping) {
      // Errors caused by the stop's own abort are expected; anything else is still worth reporting.
      if (failed && !isAbortError(error, this.#controller.signal)) {
        this.#failures++;
        this.#report(error, attempt, undefined);
      }
      return;
    }
    if (!failed) {
      if (this.#consecutiveFailures > 0) {
        this.#consecutiveFailures = 0;
        this.#resumeInterval();
      }
      return;
    }
    this.#failures++;
    this.#consecutiveFailures++;
    if (this.#budgetExhausted()) {
      this.#report(error, attempt, undefined);
      void this.#stop('failed', DEFAULT_TIMEOUT_MS);
      return;
    }
    const delay = this.#backoff ? backoffDelay(this.#backoff, this.#consecutiveFailures) : this.#everyMs;
    this.#report(error, attempt, delay);
    // onError may have stopped the task.
    if (this.#stopping || !this.#backoff) return;
    this.#scheduleRetry(delay);
  }

  #budgetExhausted(): boolean {
    if (!this.#budget) return false;
    const now = Date.now();
    const periodMs = this.#budget.periodMs ?? Number.POSITIVE_INFINITY;
    this.#recentFailures.push(now);
    this.#recentFailures = this.#recentFailures.filter((time) => now - time < periodMs);
    return this.#recentFailures.length >= this.#budget.maxFailures;
  }

  #report(error: unknown, attempt: number, nextRunInMs: number | undefined): void {
    const failure: RunFailure = {
      task: this.name,
      attempt,
      failures: this.#failures,
      consecutiveFailures: this.#consecutiveFailures,
      nextRunInMs,
    };
    try {
      this.#onError(error, failure);
    } catch (handlerError) {
      log('error', 'onError threw', { op: 'onError', task: this.name, err: handlerError, stack: stackOf(handlerError) });
      if (this.#onError !== defaultOnError) defaultOnError(error, failure);
    }
  }

  /** Backoff replaces the interval with one timeout; the interval comes back after a success. */
  #scheduleRetry(delay: number): void {
    cancelInterval(this.#interval);
    this.#interval = undefined;
    cancelTimeout(this.#backoffTimer);
    this.#backoffTimer = startTimeout(
      () => {
        this.#backoffTimer = undefined;
        if (!this.#stopping && !this.#inFlight) this.#startRun();
      },
      delay,
      this.#unref,
    );
  }

  #resumeInterval(): void {
    if (this.#interval !== undefined) return;
    cancelTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    this.#interval = startInterval(this.#tick, this.#everyMs, this.#unref);
  }

  /** True when called from this task's run in flight: waiting for that run would wait for itself. */
  #isInsideOwnRun(): boolean {
    if (this.#inFlight === undefined) return false;
    if (this.#insideSyncCall > 0) return true;
    const marker = runStorage()?.getStore();
    return marker !== undefined && marker.task === this && marker.runId === this.#runId;
  }

  #stop(reason: ExitReason, timeoutMs: number): Promise<StopResult> {
    const inside = this.#isInsideOwnRun();
    if (this.#stopping === undefined) {
      this.#reason = reason;
      cancelInterval(this.#interval);
      cancelTimeout(this.#backoffTimer);
      this.#interval = undefined;
      this.#backoffTimer = undefined;
      this.#externalSignal?.removeEventListener('abort', this.#onExternalAbort);
      this.#controller.abort(reason === 'aborted' ? this.#externalSignal?.reason : undefined);
      this.#stopping = this.#waitForExit(timeoutMs);
    }
    if (inside) return Promise.resolve({ reason: this.#reason ?? reason, timedOut: false });
    return this.#stopping;
  }

  async #waitForExit(timeoutMs: number): Promise<StopResult> {
    const run = this.#inFlight;
    const timedOut = run === undefined ? false : !(await settlesWithin(run, timeoutMs));
    const reason = this.#reason ?? 'stopped';
    this.#logExit(reason, timedOut);
    const unregister = (): void => {
      runtimeState().tasks.delete(this.#record);
    };
    // A run that outlived the timeout is still a leak: keep it registered until it settles.
    if (run && timedOut) void run.then(unregister);
    else unregister();
    return { reason, timedOut };
  }

  #logExit(reason: ExitReason, timedOut: boolean): void {
    if (this.#exited) return;
    this.#exited = true;
    const level = reason === 'failed' || timedOut ? 'warn' : 'info';
    log(level, timedOut ? 'task exited; its last run is still in flight' : 'task exited', {
      op: 'exit',
      task: this.name,
      reason,
      timedOut,
      runs: this.#runs,
      failures: this.#failures,
    });
  }
}

/**
 * Calls `fn({ signal, attempt })` every `options.everyMs` until stopped. See SuperviseOptions.
 * Transforms emit `supervise(name, fn, { everyMs, signal?, unref? })`.
 */
export function supervise(name: string, fn: (run: RunContext) => unknown, options: SuperviseOptions): SupervisedTask {
  if (typeof fn !== 'function') throw new TypeError(`supervise("${String(name)}"): fn must be a function`);
  const task = new Supervisor(String(name), fn, options ?? { everyMs: 1 });
  task.start(options?.runImmediately === true);
  return task;
}

/** Names of the supervised tasks that have not exited yet, in start order. */
export function supervisedTasks(): Array<{ name: string; state: 'running' | 'stopping'; createdAt: string }> {
  return [...runtimeState().tasks].map((record) => ({ name: record.name, state: record.phase(), createdAt: record.createdAt() }));
}
