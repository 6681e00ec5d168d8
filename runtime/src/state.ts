/**
 * Process-wide registries. The package ships ESM and CJS builds, and an app can load both (CJS app
 * code, ESM tests). The state lives on `globalThis` under a registered symbol so both copies share
 * one task registry, one default group, one logger and one shutdown.
 */
import type { Logger } from './logger.js';

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
  /** True while the task owns a ref'd timer (it then shows as one 'Timeout' resource). */
  holdsRefTimer(): boolean;
  stopFor(reason: ExitReason, timeoutMs: number): Promise<StopResult>;
}

/** A pending promise in any TaskGroup. */
export interface TrackedRecord {
  readonly id: number;
  readonly name: string;
  readonly group: string;
  readonly startedAt: number;
  createdAt(): string;
}

/** The default group, seen through the shape every copy of TaskGroup has. */
export interface DrainableGroup {
  track(promise: PromiseLike<unknown>, name?: string): void;
  drain(options?: { timeoutMs?: number }): Promise<{ settled: number; timedOut: boolean; pending: unknown[] }>;
}

export interface RuntimeState {
  /** Live tasks in start order (a Set keeps insertion order). */
  readonly tasks: Set<TaskRecord>;
  readonly tracked: Set<TrackedRecord>;
  logger: Logger | undefined;
  defaultGroup: DrainableGroup | undefined;
  shutdown: Promise<unknown> | undefined;
  signalHandlerUninstall: (() => void) | undefined;
  /** Capture where each tracked promise was created; undefined = not decided yet (see creation-site). */
  trackSites: boolean | undefined;
  nextId: number;
}

const STATE_KEY = Symbol.for('@leakfix/runtime/state@1');

export function runtimeState(): RuntimeState {
  const holder = globalThis as unknown as Record<symbol, RuntimeState | undefined>;
  let state = holder[STATE_KEY];
  if (state === undefined) {
    state = {
      tasks: new Set(),
      tracked: new Set(),
      logger: undefined,
      defaultGroup: undefined,
      shutdown: undefined,
      signalHandlerUninstall: undefined,
      trackSites: undefined,
      nextId: 1,
    };
    holder[STATE_KEY] = state;
  }
  return state;
}

export function nextId(): number {
  return runtimeState().nextId++;
}
