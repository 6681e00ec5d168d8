/**
 * Process-wide defaults: the default TaskGroup behind the plain track() export, and shutdown(),
 * which aborts every supervised task at once, waits for them, then drains every TaskGroup, all
 * within one deadline. handleShutdownSignals() wires that to SIGTERM/SIGINT in Node.
 */
import { trackCaptureEnd, trackCaptureStart, trackSite, type TrackSite } from './creation-site.js';
import { describeError, stackOf } from './describe.js';
import { after, builtinModule, nodeProcess, now, settlesWithin, timeoutOption } from './host.js';
import { log } from './logger.js';
import { runtimeState, type ExitReason, type GroupRecord } from './state.js';
import { TaskGroup, groupRecordOf, keepRegistered, type DrainResult } from './task-group.js';

const DEFAULT_TIMEOUT_MS = 5000;

/** The group behind track(); shared by the ESM and CJS builds when both are loaded. */
export function defaultGroup(): TaskGroup {
  const state = runtimeState();
  if (state.defaultGroup === undefined) {
    const group = new TaskGroup({ name: 'default' });
    (groupRecordOf(group) as { owner?: TaskGroup }).owner = group;
    state.defaultGroup = groupRecordOf(group);
    keepRegistered(group);
  }
  return (state.defaultGroup as { owner?: TaskGroup }).owner as TaskGroup;
}

let fastDefault: TaskGroup | undefined;

/**
 * Tracks `promise` in the default group: a rejection is logged with `name` and its stack, and never
 * becomes an unhandledRejection. shutdown() waits for it. Returns nothing, by design.
 */
export function track(promise: PromiseLike<unknown>, name?: string): void {
  const group = fastDefault ?? (fastDefault = defaultGroup());
  const site = trackSite(name);
  const stack = typeof site !== 'number' ? site : trackCaptureEnd(trackCaptureStart(), new Error(), name, site);
  (group as unknown as { _add(p: unknown, n: unknown, c: undefined, s: TrackSite | undefined): void })._add(promise, name, undefined, stack);
}

export interface ShutdownOptions {
  /** One deadline for stopping every task and draining every group; Infinity: no deadline. Default: 5000. */
  timeoutMs?: number;
}

export interface TaskShutdown {
  name: string;
  reason: ExitReason;
  timedOut: boolean;
}

export interface GroupShutdown extends DrainResult {
  group: string;
}

export interface ShutdownReport {
  /** Each supervised task, in reverse start order (all were aborted at once). */
  tasks: TaskShutdown[];
  /** The default group's drain. */
  drain: DrainResult;
  /** Every group drained (the default group first), with what each left pending. */
  groups: GroupShutdown[];
  /** Some task or a drain did not finish before the deadline. */
  timedOut: boolean;
  durationMs: number;
}

/**
 * Aborts every supervised task at once and waits for their runs in flight, then drains every
 * TaskGroup with pending work (the default one included), all within `timeoutMs`. Idempotent:
 * later calls return the first report. Terminal: a task supervised after shutdown began is stopped
 * at once (reason 'shutdown'), and later track()/go() calls are logged.
 */
export function shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
  const state = runtimeState();
  if (state.shutdown === undefined) {
    let timeoutMs = DEFAULT_TIMEOUT_MS;
    try {
      timeoutMs = timeoutOption(options?.timeoutMs, DEFAULT_TIMEOUT_MS, 'shutdown()');
    } catch (error) {
      log('error', describeError(error), { op: 'shutdown' });
    }
    state.shutdown = runShutdown(timeoutMs);
  }
  return state.shutdown as Promise<ShutdownReport>;
}

async function runShutdown(timeoutMs: number): Promise<ShutdownReport> {
  const started = now();
  const deadline = started + timeoutMs;
  const remaining = (): number => Math.max(0, deadline - now());
  const state = runtimeState();
  const records = [...state.tasks].reverse();
  // Every task is aborted now, before any is waited for.
  const results: TaskShutdown[] = records.map((record) => ({ name: record.name, reason: 'shutdown', timedOut: true }));
  const stops = records.map((record, index) =>
    record.stopFor('shutdown', remaining()).then((stop) => {
      results[index] = { name: record.name, ...stop };
    }),
  );
  // A task stopped earlier with a longer timeout must not hold up the whole shutdown.
  await settlesWithin(Promise.all(stops), remaining());
  const defaultRecord = groupRecordOf(defaultGroup());
  const groups: GroupRecord[] = [defaultRecord, ...[...state.groups].filter((group) => group !== defaultRecord)];
  const left = remaining();
  const drains = await Promise.all(groups.map((group) => group.drain({ timeoutMs: left }) as Promise<DrainResult>));
  const report: ShutdownReport = {
    tasks: results,
    drain: drains[0],
    groups: drains.map((drain, index) => ({ group: groups[index].name, ...drain })),
    timedOut: drains.some((drain) => drain.timedOut) || results.some((task) => task.timedOut),
    durationMs: Math.round(now() - started),
  };
  log(report.timedOut ? 'warn' : 'info', 'shutdown complete', {
    op: 'shutdown',
    tasks: results.length,
    groups: groups.length,
    settled: drains.reduce((sum, drain) => sum + drain.settled, 0),
    pending: drains.reduce<string[]>((names, drain) => names.concat(drain.pending.map((entry) => entry.name)), []),
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
   * After shutdown, end the process as the signal would have: raise it again, and exit with
   * 128 + the signal's number if that did not end it (PID 1 in a container ignores it). Unless
   * you have listeners of your own for it; then they decide. Default: true.
   */
  exit?: boolean;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15, SIGBREAK: 21 };

function signalNumber(signal: string): number {
  const fromOs = builtinModule<{ constants?: { signals?: Record<string, number> } }>('node:os')?.constants?.signals?.[signal];
  return typeof fromOs === 'number' ? fromOs : SIGNAL_NUMBERS[signal] ?? 15;
}

/** How long a re-raised signal may take to end the process before it exits by itself. */
const RERAISE_GRACE_MS = 200;

/**
 * Node only, opt-in: on SIGTERM/SIGINT runs `beforeShutdown`, then shutdown(), then ends the
 * process (see `exit`). A second signal while shutting down exits at once with 128 + its number.
 * Returns a function that removes the handlers. Calling it again while installed returns the same
 * remover. A no-op outside Node.
 */
export function handleShutdownSignals(options: ShutdownSignalOptions = {}): () => void {
  const state = runtimeState();
  if (state.signalHandlerUninstall) return state.signalHandlerUninstall;
  const proc = nodeProcess();
  if (typeof proc?.on !== 'function' || typeof proc.off !== 'function') return () => undefined;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const timeoutMs = timeoutOption(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'handleShutdownSignals()');
  let shuttingDown = false;

  const exitNow = (code: number): void => {
    if (typeof proc.exit === 'function') proc.exit(code);
  };

  /** Ends the process as `signal` would have, unless listeners of the app's own are left. */
  const end = (signal: string): void => {
    uninstall();
    if ((proc.listenerCount?.(signal) ?? 0) > 0) return;
    const code = 128 + signalNumber(signal);
    // PID 1 (a container without an init) ignores signals it has no handler for.
    if (proc.pid === 1 || typeof proc.kill !== 'function' || proc.pid === undefined) {
      exitNow(code);
      return;
    }
    try {
      proc.kill(proc.pid, signal);
    } catch {
      exitNow(code);
      return;
    }
    // If the signal is ignored after all (blocked, or PID 1 in a PID namespace), exit anyway.
    after(RERAISE_GRACE_MS, () => exitNow(code));
  };

  const onSignal = (signal: unknown): void => {
    const name = String(signal);
    if (shuttingDown) {
      log('warn', 'second signal: exiting without waiting', { op: 'signal', signal: name });
      uninstall();
      exitNow(128 + signalNumber(name));
      return;
    }
    shuttingDown = true;
    log('info', 'signal received, shutting down', { op: 'signal', signal: name });
    void (async () => {
      const started = now();
      const before = (async () => options.beforeShutdown?.(name))().catch((error: unknown) => {
        log('error', 'beforeShutdown threw', { op: 'signal', signal: name, err: error, stack: stackOf(error) ?? describeError(error) });
      });
      // One deadline for the whole sequence: a server.close() stuck on a slow request must not hang it.
      if (!(await settlesWithin(before, timeoutMs))) {
        log('warn', 'beforeShutdown timed out', { op: 'signal', signal: name, timeoutMs });
      }
      await shutdown({ timeoutMs: Math.max(0, timeoutMs - (now() - started)) });
      if (options.exit === false) uninstall();
      else end(name);
    })();
  };

  // Until the shutdown ends the process, the handler stays installed, so a second signal forces the exit.
  const uninstall = (): void => {
    for (const signal of signals) proc.off?.(signal, onSignal);
    if (state.signalHandlerUninstall === uninstall) state.signalHandlerUninstall = undefined;
  };
  for (const signal of signals) proc.on?.(signal, onSignal);
  state.signalHandlerUninstall = uninstall;
  return uninstall;
}
