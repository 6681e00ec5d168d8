/**
 * One structured record per event, handed to a pluggable logger. A record is a single object with
 * both `msg` (pino's message key) and `message` (winston's), so pino, winston and console all log
 * it in full when called as `logger.info(record)`.
 */
import { describeError, describeValue, stackOf } from './describe.js';
import { runtimeState } from './state.js';

export { describeError, stackOf } from './describe.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** The fields every runtime record may carry; `op` names the operation (run, exit, track, drain, shutdown). */
export interface LogFields {
  op: string;
  task?: string;
  reason?: string;
  err?: unknown;
  stack?: string;
  [field: string]: unknown;
}

/** A record as loggers receive it: the fields plus the message under both common keys. */
export interface LogRecord extends LogFields {
  msg: string;
  message: string;
}

/** Anything with info/warn/error methods taking one object: console, pino, winston, bunyan. */
export interface Logger {
  info(record: LogRecord): unknown;
  warn(record: LogRecord): unknown;
  error(record: LogRecord): unknown;
}

const RANK: Record<LogLevel | 'silent', number> = { info: 0, warn: 1, error: 2, silent: 3 };

/** `key=value` pairs like logfmt, so the default output stays structured yet readable. */
function formatFields(record: LogRecord): string {
  const pairs: string[] = [];
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (key === 'msg' || key === 'message' || key === 'stack' || value === undefined) continue;
    const text = key === 'err' ? describeError(value) : describeValue(value);
    pairs.push(`${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`);
  }
  return pairs.join(' ');
}

/**
 * The default: one console line per record, followed by the stack when there is one. It prints
 * warnings and errors; `setLogLevel('info')` adds the info records (task exits, shutdown summary).
 */
export const consoleLogger: Logger = {
  info: (record) => console.info(consoleLine(record)),
  warn: (record) => console.warn(consoleLine(record)),
  error: (record) => console.error(consoleLine(record)),
};

function consoleLine(record: LogRecord): string {
  const line = `[leakfix] ${record.msg} ${formatFields(record)}`;
  return record.stack ? `${line}\n${record.stack}` : line;
}

/** Routes runtime logs to `logger` (pino, winston, console...); `undefined` restores the default. */
export function setLogger(logger: Logger | null | undefined): void {
  if (logger != null && ['info', 'warn', 'error'].some((level) => typeof (logger as unknown as Record<string, unknown>)[level] !== 'function')) {
    throw new TypeError('setLogger: the logger needs info, warn and error methods');
  }
  runtimeState().logger = logger ?? undefined;
}

/** The logger in use. */
export function getLogger(): Logger {
  return runtimeState().logger ?? consoleLogger;
}

/**
 * The lowest level the runtime hands to the logger. Default: 'warn' for the console logger, 'info'
 * for a logger set with setLogger() (it filters by its own level). `undefined` restores that.
 */
export function setLogLevel(level: LogLevel | 'silent' | undefined): void {
  if (level !== undefined && !(level in RANK)) throw new RangeError(`setLogLevel: expected info, warn, error or silent, got ${describeValue(level)}`);
  runtimeState().logLevel = level;
}

function enabled(level: LogLevel, logger: Logger): boolean {
  const threshold = runtimeState().logLevel ?? (logger === consoleLogger ? 'warn' : 'info');
  return RANK[level] >= RANK[threshold];
}

function fallback(level: LogLevel, record: LogRecord, loggerError: unknown): void {
  try {
    consoleLogger.error({ msg: 'logger threw', message: 'logger threw', op: 'log', err: loggerError, stack: stackOf(loggerError) });
    consoleLogger[level](record);
  } catch {
    // Nothing left to report to.
  }
}

/**
 * Emits a record. A logger that throws, or returns a promise that rejects, never breaks the task
 * that is logging: the record falls back to the console.
 */
export function log(level: LogLevel, msg: string, fields: LogFields): void {
  const logger = getLogger();
  if (!enabled(level, logger)) return;
  const record: LogRecord = { msg, message: msg, ...fields };
  try {
    const result = logger[level](record);
    if (logger !== consoleLogger) contain(result, (error) => fallback(level, record, error));
  } catch (loggerError) {
    if (logger !== consoleLogger) fallback(level, record, loggerError);
  }
}

/** If `result` is a thenable, its rejection goes to `onRejection` instead of becoming unhandled. */
export function contain(result: unknown, onRejection: (error: unknown) => void): void {
  try {
    if ((typeof result === 'object' || typeof result === 'function') && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
        try {
          onRejection(error);
        } catch {
          // A reporter that fails has nowhere left to report to.
        }
      });
    }
  } catch {
    // A thenable whose `then` getter throws: nothing to wait for.
  }
}

/**
 * Calls user code (a hook, a handler) so that neither a throw nor a returned promise that rejects
 * escapes: both are logged with `op` and the hook's name, and `onFailure` runs after a synchronous throw.
 */
export function callUserHook(hook: string, fields: { op: string; task?: string; group?: string }, call: () => unknown, onFailure?: () => void): void {
  const report = (error: unknown): void =>
    log('error', `${hook} threw`, { ...fields, hook, err: error, stack: stackOf(error) ?? describeError(error) });
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    report(error);
    onFailure?.();
    return;
  }
  contain(result, (error) => {
    report(error);
    onFailure?.();
  });
}
