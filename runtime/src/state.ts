/**
 * Process-wide registries. The package ships ESM and CJS builds, and an app can load both (CJS app
 * code, ESM tests). The state lives on `globalThis` under a registered symbol so both copies share
 * one task registry, one group registry, one logger and one shutdown.
 */
import type { Logger, LogLevel } from './logger.js';

export type ExitReason = 'stopped' | 'aborted' | 'shutdown' | 'failed';

export interface StopResult {
  reason: ExitReason;
  timedOut: boolean;
}

/** What the registry knows about a supervised task. */
export interface TaskRecord {
  readonly id: number;
  readonly name: string;
  /** First stack frame outside the runtime where supervise() was called. */
  createdAt(): string;
  /** Not yet exited: stop not requested, or a stop still waiting for a run. */
  phase(): 'running' | 'stopping';
  stopFor(reason: ExitReason, timeoutMs: number): Promise<StopResult>;
}

/** A pending promise in any TaskGroup. */
export interface TrackedRecord {
  readonly name: string;
  readonly group: string;
  /** On the monotonic clock (host.now()). */
  readonly startedAt: number;
  createdAt(): string;
}

/** A TaskGroup, as shutdown() and the leak probe see it (registered while it has pending work). */
export interface GroupRecord {
  readonly name: string;
  pendingRecords(): Iterable<TrackedRecord>;
  drain(options?: { timeoutMs?: number }): Promise<{ settled: number; timedOut: boolean; pending: unknown[] }>;
}

export interface RuntimeState {
  /** Live tasks in start order (a Set keeps insertion order). */
  readonly tasks: Set<TaskRecord>;
  /**
   * Groups with pending work, and the default group (a group with nothing pending is not held, so
   * it can be collected; the default group is held by `defaultGroup` anyway).
   */
  readonly groups: Set<GroupRecord>;
  logger: Logger | undefined;
  logLevel: LogLevel | 'silent' | undefined;
  defaultGroup: GroupRecord | undefined;
  shutdown: Promise<unknown> | undefined;
  signalHandlerUninstall: (() => void) | undefined;
  /** How track() records creation sites (see creation-site); undefined = the default. */
  trackSites: boolean | 'per-name' | undefined;
  /** The default mode, decided once from NODE_ENV (see creation-site). */
  trackSitesDefault?: boolean | 'per-name' | undefined;
  /** Leak probes watching now: while any does, every track() records its own creation site. */
  siteProbes: number;
  /** Hand tracked rejections to the host's unhandled-rejection watchers; undefined = yes (see host.ts). */
  forwardRejections?: boolean | undefined;
  /** The runtime's live ref'd host timers (see host.ts). */
  refTimers: number;
  nextId: number;
}

const STATE_KEY = Symbol.for('@leakfix/runtime/state@2');

let cached: RuntimeState | undefined;

export function runtimeState(): RuntimeState {
  if (cached !== undefined) return cached;
  const holder = globalThis as unknown as Record<symbol, RuntimeState | undefined>;
  let state = holder[STATE_KEY];
  if (state === undefined) {
    state = {
      tasks: new Set(),
      groups: new Set(),
      logger: undefined,
      logLevel: undefined,
      defaultGroup: undefined,
      shutdown: undefined,
      signalHandlerUninstall: undefined,
      trackSites: undefined,
      siteProbes: 0,
      refTimers: 0,
      nextId: 1,
    };
    holder[STATE_KEY] = state;
  }
  cached = state;
  return state;
}

export function nextId(): number {
  return runtimeState().nextId++;
}
