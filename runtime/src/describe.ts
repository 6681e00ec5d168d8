/**
 * Turning arbitrary thrown values into text. A rejection reason can be anything: an object without
 * a prototype and with a cycle, a revoked Proxy (every operation on it throws), a Symbol. Describing
 * it must never throw, or the runtime itself would fail while reporting someone else's failure.
 */

const UNDESCRIBABLE = '[a value that cannot be described]';

function tryString(value: unknown): string | undefined {
  try {
    return String(value);
  } catch {
    return undefined;
  }
}

function tag(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return UNDESCRIBABLE;
  }
}

/** `Name: message` for errors, the text for strings, JSON or String() for the rest; never throws. */
export function describeError(error: unknown): string {
  try {
    if (typeof error === 'string') return error;
    if (typeof error === 'symbol') return error.toString();
    if (typeof error === 'object' && error !== null) {
      const { name, message } = error as { name?: unknown; message?: unknown };
      if (typeof message === 'string') return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
      const json = JSON.stringify(error);
      if (json !== undefined) return json;
    }
    if (typeof error === 'function') return `[function ${describeName((error as { name?: unknown }).name, 'anonymous')}]`;
    return tryString(error) ?? tag(error);
  } catch {
    return tryString(error) ?? tag(error);
  }
}

/** The error's stack when it has a string one; never throws. */
export function stackOf(error: unknown): string | undefined {
  try {
    if (typeof error === 'object' && error !== null) {
      const stack = (error as { stack?: unknown }).stack;
      if (typeof stack === 'string') return stack;
    }
  } catch {
    // A getter that throws, a revoked Proxy: no stack.
  }
  return undefined;
}

/** A name given by the caller as text: strings as they are, undefined → fallback, else described. */
export function describeName(name: unknown, fallback: string): string {
  if (typeof name === 'string') return name;
  if (name === undefined || name === null) return fallback;
  return describeError(name);
}

/** A field value for a log line; never throws. */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map((item) => describeValue(item)).join(',');
    if (typeof value === 'object' && value !== null) return JSON.stringify(value) ?? describeError(value);
    if (typeof value === 'symbol') return value.toString();
    return String(value);
  } catch {
    return describeError(value);
  }
}

/** The rejection is the abort of `signal` (its reason, or an AbortError) once it is aborted; never throws. */
export function isAbortOf(error: unknown, signal: { readonly aborted: boolean; readonly reason?: unknown } | undefined): boolean {
  if (signal === undefined || !signal.aborted) return false;
  try {
    if (error === signal.reason) return true;
    return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
  } catch {
    return false;
  }
}
