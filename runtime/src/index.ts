/**
 * @leakfix/runtime: the small runtime that code rewritten by leakfix imports. Zero dependencies,
 * no Node-only import at load, works wherever setInterval works.
 */
export {
  supervise,
  supervisedTasks,
  type AbortSignalLike,
  type AsyncDisposable,
  type BackoffOptions,
  type ExitReason,
  type FailureBudget,
  type HostAbortSignal,
  type RunContext,
  type RunFailure,
  type RunStart,
  type StopOptions,
  type StopResult,
  type SupervisedTask,
  type SuperviseOptions,
  type TaskExit,
} from './supervise.js';
export {
  TaskGroup,
  type DrainOptions,
  type DrainResult,
  type PendingPromise,
  type TaskGroupOptions,
  type TrackedRejection,
} from './task-group.js';
export {
  defaultGroup,
  handleShutdownSignals,
  shutdown,
  track,
  type GroupShutdown,
  type ShutdownOptions,
  type ShutdownReport,
  type ShutdownSignalOptions,
  type TaskShutdown,
} from './shutdown.js';
export { setCreationSites, type CreationSites } from './creation-site.js';
export { setRejectionForwarding } from './host.js';
export { consoleLogger, getLogger, setLogger, setLogLevel, type LogFields, type LogLevel, type Logger, type LogRecord } from './logger.js';
