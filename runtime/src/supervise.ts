/**
 * supervise(): a setInterval that cannot leak or crash. Runs never overlap (ticks that arrive while a
 * run is in flight are dropped), errors are caught per run and reported, consecutive failures back
 * off exponentially, and the returned handle stops the timer, aborts the run's signal and waits for
 * the run in flight. Every task is registered so shutdown() and the leak probe can find it.
 *
 *   const task = supervise('poll-queue', async ({ signal }) => drain(queue, { signal }), { everyMs: 1000 });
 *   await task.stop(); // { reason: 'stopped', timedOut: false }
 */
import { diagnosticsChannels, publish, type Channels } from './channels.js';
import { captureCreationSite } from './creation-site.js';
import { describeError, describeValue, isAbortOf, stackOf } from './describe.js';
import { after, every, now, settlesWithin, timeoutOption, type RuntimeTimer } from './host.js';
import { callUserHook, log } from './logger.js';
import { nextId, runtimeState, type ExitReason, type StopResult, type TaskRecord } from './state.js';
import type { AbortSignalLike, AsyncDisposable, HostAbortSignal } from './types.js';

export type { ExitReason, StopResult } from './state.js';
export type { AbortSignalLike, AsyncDisposable, HostAbortSignal } from './types.js';

/** What each run receives. */
export interface RunContext {
  /**
   * This run's own signal (a new one per run, so listeners never pile up on one), aborted when the
   * task stops (stop(), the task's signal, shutdown, failure budget) while this is the latest run,
   * or when the run exceeds runTimeoutMs.
   */
  readonly signal: HostAbortSignal;
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
  /** The task stops with reason 'failed' when this many runs fail within periodMs (an integer >= 1). */
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

/** Passed to onRun before each run. */
export interface RunStart {
  task: string;
  attempt: number;
}

/** Passed to onExit, and what `exited` resolves to with the reason. */
export interface TaskExit extends StopResult {
  task: string;
  runs: number;
  failures: number;
}

export interface SuperviseOptions {
  /**
   * Interval between runs in milliseconds: a number >= 0 (below 1 means 1, as setInterval; a numeric
   * string is taken as setInterval takes it); longer than 2^31−1 works. Anything else throws.
   */
  everyMs: number;
  /** Run once right away (on a microtask) instead of waiting a first interval. Default: false. */
  runImmediately?: boolean;
  /** Let the process exit while the task is scheduled (Node). Default: false, as setInterval. */
  unref?: boolean;
  /** Stops the task (reason 'aborted') when aborted. */
  signal?: AbortSignalLike;
  /** Called with each run's error. Default: log task name, error, stack and attempt. */
  onError?: (error: unknown, failure: RunFailure) => unknown;
  /** Called before each run. */
  onRun?: (run: RunStart) => unknown;
  /** Called once when the task exits. */
  onExit?: (exit: TaskExit) => unknown;
  /** Exponential backoff after consecutive failures; false keeps the plain interval. */
  backoff?: BackoffOptions | false;
  /** Stop the task once too many runs fail. Default: no budget, the loop goes on. */
  failureBudget?: FailureBudget;
  /**
   * A run still in flight after this long has its signal aborted (a TimeoutError), is logged and
   * counted as a failure, and the loop goes on without waiting for it. Default: none.
   */
  runTimeoutMs?: number;
  /** Each delay is stretched by a random 0..jitter fraction of itself (0.1: up to 10% later). Default: 0. */
  jitter?: number;
}

export interface StopOptions {
  /** How long to wait for the run in flight; Infinity waits as long as it takes. Default: 5000. */
  timeoutMs?: number;
}

interface SupervisedTaskMembers {
  readonly name: string;
  /** A run is in flight. */
  readonly running: boolean;
  /** Runs started so far. */
  readonly runs: number;
  /** Runs that threw, rejected or timed out. */
  readonly failures: number;
  /** stop() was called, or the task stopped by itself (signal, shutdown, failure budget). */
  readonly stopped: boolean;
  /** Resolves (never rejects) once the task has exited, for whatever reason. */
  readonly exited: Promise<TaskExit>;
  /**
   * Clears the timer, aborts the run's signal and waits up to timeoutMs for the run in flight.
   * Idempotent: later calls return the first call's result. Never rejects. Called from inside the
   * task's own run it resolves at once instead of waiting for itself.
   */
  stop(options?: StopOptions): Promise<StopResult>;
}

/** The handle supervise() returns; `await using task = supervise(...)` stops it at the end of the scope. */
export type SupervisedTask = SupervisedTaskMembers & AsyncDisposable;

export const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BACKOFF_MS = 30000;

const asyncDisposeSymbol: symbol =
  (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('Symbol.asyncDispose');

function fail(kind: 'type' | 'range', message: string): never {
  throw kind === 'type' ? new TypeError(message) : new RangeError(message);
}

/**
 * everyMs as setInterval would take it, minus the nonsense: a number >= 0, or a string holding one
 * (setInterval coerces '5000' to 5000, and rewritten code may pass one); below 1 means 1 ms.
 */
function validateEvery(name: string, value: unknown): number {
  const shown = value === undefined ? 'undefined' : typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : typeof value;
  let ms = value;
  if (typeof value === 'string' && /^\s*\d+(?:\.\d+)?\s*$/.test(value)) ms = Number(value);
  if (typeof ms !== 'number') fail('type', `supervise("${name}"): everyMs must be a number of milliseconds, got ${shown}`);
  if (!Number.isFinite(ms) || ms < 0) fail('range', `supervise("${name}"): everyMs must be a finite number >= 0, got ${shown}`);
  return Math.max(1, ms);
}

function optionalNumber(name: string, option: string, value: unknown, test: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') fail('type', `supervise("${name}"): ${option} must be a number, got ${typeof value}`);
  if (!test(value)) fail('range', `supervise("${name}"): ${option} must be ${expected}, got ${value}`);
  return value;
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

function isSignalLike(value: unknown): value is AbortSignalLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignalLike).aborted === 'boolean' &&
    typeof (value as AbortSignalLike).addEventListener === 'function' &&
    typeof (value as AbortSignalLike).removeEventListener === 'function'
  );
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

function runTimeoutError(task: string, ms: number): Error {
  const error = new Error(`supervised task "${task}": run exceeded runTimeoutMs (${ms} ms)`);
  error.name = 'TimeoutError';
  return error;
}

/** One run in flight. `done` resolves once it has settled and been accounted for. */
interface Run {
  readonly attempt: number;
  readonly controller: InstanceType<typeof AbortController>;
  readonly done: Promise<void>;
  readonly started: number;
  finish(): void;
  timer: RuntimeTimer | undefined;
  /** runTimeoutMs passed: the loop went on without it. */
  abandoned: boolean;
}

/**
 * Calls fn under a name unique to the task (`leakfixRun$<id>$`), awaiting it, so V8's async stack
 * traces show that frame in any code that fn awaits: that is how stop() tells it is called from the
 * task's own run after an `await`, at no cost to the rest of the process (see isInsideOwnRun).
 */
function namedRunner(marker: string): (fn: (run: RunContext) => unknown, context: RunContext) => Promise<unknown> {
  const holder = {
    async [marker](fn: (run: RunContext) => unknown, context: RunContext): Promise<unknown> {
      return await fn(context);
    },
  };
  return holder[marker];
}

class Supervisor {
  readonly name: string;
  private readonly _fn: (run: RunContext) => unknown;
  private readonly _everyMs: number;
  private readonly _unref: boolean;
  private readonly _backoff: Backoff | undefined;
  private readonly _budget: { maxFailures: number; periodMs: number } | undefined;
  private readonly _onError: ((error: unknown, failure: RunFailure) => unknown) | undefined;
  private readonly _onRun: ((run: RunStart) => unknown) | undefined;
  private readonly _onExit: ((exit: TaskExit) => unknown) | undefined;
  private readonly _externalSignal: AbortSignalLike | undefined;
  private readonly _runTimeoutMs: number | undefined;
  private readonly _jitter: number;
  private readonly _record: TaskRecord;
  private readonly _marker: string;
  private readonly _runner: (fn: (run: RunContext) => unknown, context: RunContext) => Promise<unknown>;
  private readonly _channels: Channels;
  private readonly _exited: Promise<TaskExit>;
  private _resolveExited!: (exit: TaskExit) => void;

  private _schedule: RuntimeTimer | undefined;
  private _retry: RuntimeTimer | undefined;
  private _run: Run | undefined;
  /** The latest run's controller, in flight or settled: its signal is aborted when the task stops. */
  private _lastController: InstanceType<typeof AbortController> | undefined;
  private _insideSyncCall = 0;
  private _runs = 0;
  private _failures = 0;
  private _consecutiveFailures = 0;
  private _recentFailures: number[] = [];
  private _reason: ExitReason | undefined;
  private _stopping: Promise<StopResult> | undefined;
  private _hasExited = false;

  constructor(name: string, fn: (run: RunContext) => unknown, options: SuperviseOptions) {
    this.name = name;
    this._fn = fn;
    this._everyMs = validateEvery(name, options.everyMs);
    if (options.signal !== undefined && !isSignalLike(options.signal)) fail('type', `supervise("${name}"): signal must be an AbortSignal, got ${describeValue(options.signal)}`);
    this._externalSignal = options.signal;
    this._runTimeoutMs = optionalNumber(name, 'runTimeoutMs', options.runTimeoutMs, (n) => n > 0, 'a number > 0 (or Infinity)');
    this._jitter = optionalNumber(name, 'jitter', options.jitter, (n) => Number.isFinite(n) && n >= 0, 'a finite number >= 0') ?? 0;
    const budget = options.failureBudget;
    if (budget !== undefined) {
      if (budget === null || typeof budget !== 'object') fail('type', `supervise("${name}"): failureBudget must be { maxFailures, periodMs? }`);
      const maxFailures = optionalNumber(name, 'failureBudget.maxFailures', budget.maxFailures, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
      if (maxFailures === undefined) fail('type', `supervise("${name}"): failureBudget.maxFailures is required`);
      const periodMs = optionalNumber(name, 'failureBudget.periodMs', budget.periodMs, (n) => n > 0, 'a number > 0 (or Infinity)');
      this._budget = { maxFailures, periodMs: periodMs ?? Number.POSITIVE_INFINITY };
    }
    for (const hook of ['onError', 'onRun', 'onExit'] as const) {
      if (options[hook] !== undefined && typeof options[hook] !== 'function') fail('type', `supervise("${name}"): ${hook} must be a function`);
    }
    this._unref = options.unref === true;
    this._backoff = resolveBackoff(options.backoff, this._everyMs);
    this._onError = options.onError;
    this._onRun = options.onRun;
    this._onExit = options.onExit;
    this._channels = diagnosticsChannels();
    const id = nextId();
    this._marker = `leakfixRun$${id}$`;
    this._runner = namedRunner(this._marker);
    this._exited = new Promise((resolve) => (this._resolveExited = resolve));
    const createdAt = captureCreationSite(12);
    this._record = {
      id,
      name,
      createdAt,
      phase: () => (this._stopping ? 'stopping' : 'running'),
      stopFor: (reason, timeoutMs) => this._stop(reason, timeoutMs),
    };
  }

  get running(): boolean {
    return this._run !== undefined;
  }
  get runs(): number {
    return this._runs;
  }
  get failures(): number {
    return this._failures;
  }
  get stopped(): boolean {
    return this._stopping !== undefined;
  }
  get exited(): Promise<TaskExit> {
    return this._exited;
  }

  start(runImmediately: boolean): void {
    const state = runtimeState();
    state.tasks.add(this._record);
    if (state.shutdown !== undefined) {
      log('warn', 'supervise() after shutdown began: the task is stopped at once and never runs', { op: 'supervise', task: this.name, createdAt: this._record.createdAt() });
      void this._stop('shutdown', 0);
      return;
    }
    if (this._externalSignal?.aborted) {
      void this._stop('aborted', 0);
      return;
    }
    this._externalSignal?.addEventListener('abort', this._onExternalAbort, { once: true });
    this._armSchedule();
    // A microtask, not a synchronous call: `const task = supervise(...)` is initialized by then.
    if (runImmediately) queueMicrotask(this._tick);
  }

  stop(options: StopOptions = {}): Promise<StopResult> {
    let timeoutMs: number;
    try {
      timeoutMs = timeoutOption(options?.timeoutMs, DEFAULT_TIMEOUT_MS, `task.stop() of "${this.name}"`);
    } catch (error) {
      // stop() never rejects; a bad timeout is reported and the default used.
      log('error', describeError(error), { op: 'stop', task: this.name });
      timeoutMs = DEFAULT_TIMEOUT_MS;
    }
    return this._stop('stopped', timeoutMs);
  }

  private readonly _onExternalAbort = (): void => {
    void this._stop('aborted', DEFAULT_TIMEOUT_MS);
  };

  /** A timer tick. Ticks that arrive while a run is in flight are dropped, never queued. */
  private readonly _tick = (): void => {
    if (this._stopping || this._run) return;
    this._startRun();
  };

  private _delay(ms: number): number {
    return this._jitter > 0 ? ms * (1 + this._jitter * Math.random()) : ms;
  }

  /** The regular schedule: setInterval, or chained one-shot timers with jitter. */
  private _armSchedule(): void {
    if (this._jitter === 0) {
      this._schedule = every(this._everyMs, this._tick, this._unref);
      return;
    }
    const arm = (): void => {
      this._schedule = after(this._delay(this._everyMs), () => {
        arm();
        this._tick();
      }, this._unref);
    };
    arm();
  }

  private _cancelTimers(): void {
    this._schedule?.cancel();
    this._retry?.cancel();
    this._schedule = undefined;
    this._retry = undefined;
  }

  private _startRun(): void {
    const attempt = ++this._runs;
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    // Set before fn is called, so a stop() from fn's synchronous part already sees the run.
    const run: Run = { attempt, controller: new AbortController(), done, started: now(), finish, timer: undefined, abandoned: false };
    this._run = run;
    this._lastController = run.controller;
    if (this._onRun !== undefined) {
      const onRun = this._onRun;
      callUserHook('onRun', { op: 'onRun', task: this.name }, () => onRun({ task: this.name, attempt }));
    }
    publish(this._channels.runStart, () => ({ task: this.name, attempt }));
    if (this._runTimeoutMs !== undefined && this._runTimeoutMs !== Number.POSITIVE_INFINITY) {
      const ms = this._runTimeoutMs;
      run.timer = after(ms, () => this._onRunTimeout(run, ms), this._unref);
    }
    const context: RunContext = { signal: run.controller.signal as unknown as HostAbortSignal, attempt };
    this._insideSyncCall++;
    let outcome: Promise<unknown>;
    try {
      outcome = this._runner(this._fn, context);
    } catch (error) {
      outcome = Promise.reject(error);
    } finally {
      this._insideSyncCall--;
    }
    outcome
      .then(
        () => this._afterRun(run, false, undefined),
        (error: unknown) => this._afterRun(run, true, error),
      )
      // _afterRun reports its own errors; this only keeps a bug there from escaping.
      .then(undefined, () => undefined)
      .then(finish);
  }

  private _onRunTimeout(run: Run, ms: number): void {
    if (this._run !== run || this._stopping) return;
    run.timer = undefined;
    run.abandoned = true;
    this._run = undefined;
    const error = runTimeoutError(this.name, ms);
    run.controller.abort(error);
    log('warn', 'run timed out; its signal is aborted and the loop goes on', { op: 'run', task: this.name, attempt: run.attempt, runTimeoutMs: ms });
    publish(this._channels.runEnd, () => ({ task: this.name, attempt: run.attempt, durationMs: now() - run.started, failed: true, error }));
    this._failed(run.attempt, error);
  }

  private _afterRun(run: Run, failed: boolean, error: unknown): void {
    run.timer?.cancel();
    run.timer = undefined;
    // A run given up on by runTimeoutMs was counted then; its late outcome changes nothing.
    if (run.abandoned) return;
    this._run = undefined;
    publish(this._channels.runEnd, () => ({ task: this.name, attempt: run.attempt, durationMs: now() - run.started, failed, error }));
    if (this._stopping) {
      // Errors caused by the stop's own abort are expected; anything else is still worth reporting.
      if (failed && !isAbortOf(error, run.controller.signal)) {
        this._failures++;
        this._report(error, run.attempt, undefined);
      }
      return;
    }
    if (!failed) {
      if (this._consecutiveFailures > 0) {
        this._consecutiveFailures = 0;
        this._resumeSchedule();
      }
      return;
    }
    this._failed(run.attempt, error);
  }

  private _failed(attempt: number, error: unknown): void {
    this._failures++;
    this._consecutiveFailures++;
    if (this._budgetExhausted()) {
      this._report(error, attempt, undefined);
      void this._stop('failed', DEFAULT_TIMEOUT_MS);
      return;
    }
    const delay = this._backoff ? this._delay(backoffDelay(this._backoff, this._consecutiveFailures)) : this._everyMs;
    this._report(error, attempt, delay);
    // onError may have stopped the task.
    if (this._stopping || !this._backoff) return;
    this._scheduleRetry(delay);
  }

  private _budgetExhausted(): boolean {
    if (!this._budget) return false;
    const time = now();
    const { maxFailures, periodMs } = this._budget;
    this._recentFailures.push(time);
    this._recentFailures = this._recentFailures.filter((failedAt) => time - failedAt < periodMs);
    return this._recentFailures.length >= maxFailures;
  }

  private _report(error: unknown, attempt: number, nextRunInMs: number | undefined): void {
    const failure: RunFailure = {
      task: this.name,
      attempt,
      failures: this._failures,
      consecutiveFailures: this._consecutiveFailures,
      nextRunInMs,
    };
    const onError = this._onError;
    if (onError === undefined) {
      defaultOnError(error, failure);
      return;
    }
    // A throwing or rejecting onError is logged, and the default log runs too.
    callUserHook('onError', { op: 'onError', task: this.name }, () => onError(error, failure), () => defaultOnError(error, failure));
  }

  /** Backoff replaces the schedule with one timer; the schedule comes back after a success. */
  private _scheduleRetry(delay: number): void {
    this._cancelTimers();
    this._retry = after(
      delay,
      () => {
        this._retry = undefined;
        if (!this._stopping && !this._run) this._startRun();
      },
      this._unref,
    );
  }

  private _resumeSchedule(): void {
    if (this._schedule !== undefined) return;
    this._retry?.cancel();
    this._retry = undefined;
    this._armSchedule();
  }

  /**
   * True when called from this task's run in flight: waiting for that run would wait for itself.
   * Synchronously inside fn a counter says so (any host). After an `await` inside fn, the stack
   * says so where async stack traces exist (V8: Node, Chromium): it then holds the frame of this
   * task's runner. A stack is captured only here, when stop() is called during a run.
   */
  private _isInsideOwnRun(): boolean {
    if (this._run === undefined) return false;
    if (this._insideSyncCall > 0) return true;
    const errorClass = Error as { stackTraceLimit?: number };
    const limit = errorClass.stackTraceLimit;
    try {
      if (typeof limit === 'number') errorClass.stackTraceLimit = 200;
      return (new Error().stack ?? '').indexOf(this._marker) !== -1;
    } catch {
      return false;
    } finally {
      if (typeof limit === 'number') errorClass.stackTraceLimit = limit;
    }
  }

  _stop(reason: ExitReason, timeoutMs: number): Promise<StopResult> {
    const inside = this._isInsideOwnRun();
    if (this._stopping === undefined) {
      this._reason = reason;
      this._cancelTimers();
      this._externalSignal?.removeEventListener('abort', this._onExternalAbort);
      const run = this._run;
      if (run !== undefined) {
        run.timer?.cancel();
        run.timer = undefined;
      }
      this._lastController?.abort(reason === 'aborted' ? this._externalSignal?.reason : undefined);
      this._lastController = undefined;
      this._stopping = this._waitForExit(run, timeoutMs);
    }
    if (inside) return Promise.resolve({ reason: this._reason ?? reason, timedOut: false });
    return this._stopping;
  }

  private async _waitForExit(run: Run | undefined, timeoutMs: number): Promise<StopResult> {
    const timedOut = run === undefined ? false : !(await settlesWithin(run.done, timeoutMs));
    const reason = this._reason ?? 'stopped';
    this._logExit(reason, timedOut);
    const unregister = (): void => {
      runtimeState().tasks.delete(this._record);
    };
    // A run that outlived the timeout is still a leak: keep it registered until it settles.
    if (run && timedOut) void run.done.then(unregister);
    else unregister();
    return { reason, timedOut };
  }

  private _logExit(reason: ExitReason, timedOut: boolean): void {
    if (this._hasExited) return;
    this._hasExited = true;
    const exit: TaskExit = { task: this.name, reason, timedOut, runs: this._runs, failures: this._failures };
    const level = reason === 'failed' || timedOut ? 'warn' : 'info';
    log(level, timedOut ? 'task exited; its last run is still in flight' : 'task exited', {
      op: 'exit',
      task: this.name,
      reason,
      timedOut,
      runs: this._runs,
      failures: this._failures,
    });
    publish(this._channels.taskExit, () => exit);
    if (this._onExit !== undefined) {
      const onExit = this._onExit;
      callUserHook('onExit', { op: 'onExit', task: this.name }, () => onExit(exit));
    }
    this._resolveExited(exit);
  }
}

(Supervisor.prototype as unknown as Record<symbol, unknown>)[asyncDisposeSymbol] = async function (this: Supervisor): Promise<void> {
  await this.stop();
};

/**
 * Calls `fn({ signal, attempt })` every `options.everyMs` until stopped. See SuperviseOptions.
 * Transforms emit `supervise(name, fn, { everyMs, signal?, unref? })`. Nonsense options (everyMs
 * missing, a string, NaN, negative, Infinity) throw a TypeError or RangeError here, at the call.
 */
export function supervise(name: string, fn: (run: RunContext) => unknown, options: SuperviseOptions): SupervisedTask {
  const taskName = typeof name === 'string' ? name : describeValue(name);
  if (typeof fn !== 'function') throw new TypeError(`supervise("${taskName}"): fn must be a function`);
  if (options === null || typeof options !== 'object') throw new TypeError(`supervise("${taskName}"): options { everyMs } are required`);
  const task = new Supervisor(taskName, fn, options);
  task.start(options.runImmediately === true);
  return task as unknown as SupervisedTask;
}

/** Names of the supervised tasks that have not exited yet, in start order. */
export function supervisedTasks(): Array<{ name: string; state: 'running' | 'stopping'; createdAt: string }> {
  return [...runtimeState().tasks].map((record) => ({ name: record.name, state: record.phase(), createdAt: record.createdAt() }));
}
