/**
 * Process-wide defaults: the default TaskGroup behind the plain track() export, and shutdown(),
 * which stops every supervised task (last started first) and then drains the default group, all
 * within one deadline. handleShutdownSignals() wires that to SIGTERM/SIGINT in Node.
 */
import { nodeProcess, settlesWithin } from './host.js';
import { log, stackOf } from './logger.js';
import { runtimeState, type ExitReason } from './state.js';
import { TaskGroup, type DrainResult } from './task-group.js';

const DEFAULT_TIMEOUT_MS = 5000;

/** The group behind track(); shared by the ESM and CJS builds when both are loaded. */
export function defaultGroup(): TaskGroup {
  const state = runtimeState();
  state.defaultGroup ??= new TaskGroup({ name: 'default' });
  return state.defaultGroup as TaskGroup;
}

/**
 * Tracks `promise` in the default group: a rejection is logged with `name` and its stack, and never
 * becomes an unhandledRejection. shutdown() waits for it. Returns nothing, by design.
 */
export function track(promise: PromiseLike<unknown>, name?: string): void {
  defaultGroup().track(promise, name);
}

export interface ShutdownOptions {
  /** One deadline for stopping every task and draining the default group. Default: 5000. */
  timeoutMs?: number;
}

export interface TaskShutdown {
  name: string;
  reason: ExitReason;
  timedOut: boolean;
}

export interface ShutdownReport {
  /** Each supervised task, in the order it was stopped (reverse start order). */
  tasks: TaskShutdown[];
  /** The default group's drain. */
  drain: DrainResult;
  /** Some task or the drain did not finish before the deadline. */
  timedOut: boolean;
  durationMs: number;
}

/**
 * Stops every supervised task in reverse start order (each waits for its run in flight), then
 * drains the default group, within `timeoutMs` overall. Idempotent: later calls return the first
 * report. Terminal: a task supervised after shutdown began is stopped at once (reason 'shutdown').
 */
export function shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
  const state = runtimeState();
  state.shutdown ??= runShutdown(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return state.shutdown as Promise<ShutdownReport>;
}

async function runShutdown(timeoutMs: number): Promise<ShutdownReport> {
  const started = Date.now();
  const remaining = (): number => Math.max(0, started + timeoutMs - Date.now());
  const state = runtimeState();
  const tasks: TaskShutdown[] = [];
  for (const record of [...state.tasks].reverse()) {
    const stopping = record.stopFor('shutdown', remaining());
    let result: TaskShutdown = { name: record.name, reason: 'shutdown', timedOut: true };
    // A task stopped earlier with a longer timeout must not hold up the whole shutdown.
    await settlesWithin(
      stopping.then((stop) => (result = { name: record.name, ...stop })),
      remaining(),
    );
    tasks.push(result);
  }
  const drain = await defaultGroup().drain({ timeoutMs: remaining() });
  const report: ShutdownReport = {
    tasks,
    drain,
    timedOut: drain.timedOut || tasks.some((task) => task.timedOut),
    durationMs: Date.now() - started,
  };
  log(report.timedOut ? 'warn' : 'info', 'shutdown complete', {
    op: 'shutdown',
    tasks: tasks.length,
    settled: drain.settled,
    pending: drain.pending.map((entry) => entry.name),
    timedOut: report.timedOut,
    durationMs: report.durationMs,
  });
  return report;
}

export interface ShutdownSignalOptions {
  /** Default: ['SIGTERM', 'SIGINT']. */
  signals?: readonly string[];
  /** One deadline for beforeShutdown and shutdown() together. Default: 5000. */
  timeoutMs?: number;
  /** Runs (awaited) before shutdown(), e.g. to stop accepting connections. */
  beforeShutdown?: (signal: string) => unknown;
  /**
   * After shutdown, raise the signal again so the process ends as it would have without a handler
   * (unless you have listeners of your own for it; then they decide). Default: true.
   */
  exit?: boolean;
}

/**
 * Node only, opt-in: on SIGTERM/SIGINT runs `beforeShutdown`, then shutdown(), then lets the process
 * exit. A second signal while shutting down exits at once. Returns a function that removes the
 * handlers. Calling it again while installed returns the same remover. A no-op outside Node.
 */
export function handleShutdownSignals(options: ShutdownSignalOptions = {}): () => void {
  const state = runtimeState();
  if (state.signalHandlerUninstall) return state.signalHandlerUninstall;
  const proc = nodeProcess();
  if (typeof proc?.on !== 'function' || typeof proc.off !== 'function') return () => undefined;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let shuttingDown = false;

  const reraise = (signal: string): void => {
    uninstall();
    if ((proc.listenerCount?.(signal) ?? 0) === 0 && typeof proc.kill === 'function' && proc.pid !== undefined) {
      proc.kill(proc.pid, signal);
    }
  };

  const onSignal = (signal: unknown): void => {
    const name = String(signal);
    if (shuttingDown) {
      log('warn', 'second signal: exiting without waiting', { op: 'signal', signal: name });
      reraise(name);
      return;
    }
    shuttingDown = true;
    log('info', 'signal received, shutting down', { op: 'signal', signal: name });
    void (async () => {
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const started = Date.now();
      const before = (async () => options.beforeShutdown?.(name))().catch((error: unknown) => {
        log('error', 'beforeShutdown threw', { op: 'signal', signal: name, err: error, stack: stackOf(error) });
      });
      // One deadline for the whole sequence: a server.close() stuck on a slow request must not hang it.
      if (!(await settlesWithin(before, timeoutMs))) {
        log('warn', 'beforeShutdown timed out', { op: 'signal', signal: name, timeoutMs });
      }
      await shutdown({ timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)) });
      if (options.exit === false) uninstall();
      else reraise(name);
    })();
  };

  const uninstall = (): void => {
    for (const signal of signals) proc.off?.(signal, onSignal);
    if (state.signalHandlerUninstall === uninstall) state.signalHandlerUninstall = undefined;
  };
  for (const signal of signals) proc.on?.(signal, onSignal);
  state.signalHandlerUninstall = uninstall;
  return uninstall;
}
