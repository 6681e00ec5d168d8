/**
 * One structured record per event, handed to a pluggable logger. A record is a single object with
 * both `msg` (pino's message key) and `message` (winston's), so pino, winston and console all log
 * it in full when called as `logger.info(record)`.
 */
import { runtimeState } from './state.js';

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

/** `key=value` pairs like logfmt, so the default output stays structured yet readable. */
function formatFields(record: LogRecord): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === 'msg' || key === 'message' || key === 'stack' || value === undefined) continue;
    const text = key === 'err' ? describeError(value) : Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : JSON.stringify(value);
    pairs.push(`${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`);
  }
  return pairs.join(' ');
}

/** The default: one console line per record, followed by the stack when there is one. */
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

/** Emits a record; a throwing logger must never break the task that is logging. */
export function log(level: LogLevel, msg: string, fields: LogFields): void {
  const record: LogRecord = { msg, message: msg, ...fields };
  const logger = getLogger();
  try {
    logger[level](record);
  } catch (loggerError) {
    if (logger !== consoleLogger) {
      try {
        consoleLogger.error({ msg: 'logger threw', message: 'logger threw', op: 'log', err: loggerError, stack: stackOf(loggerError) });
        consoleLogger[level](record);
      } catch {
        // Nothing left to report to.
      }
    }
  }
}

export function stackOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'stack' in error) {
    const stack = (error as { stack?: unknown }).stack;
    if (typeof stack === 'string') return stack;
  }
  return undefined;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
