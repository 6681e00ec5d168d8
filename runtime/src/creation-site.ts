/**
 * Where a task or tracked promise was created, so a leak report can point at the line. The stack is
 * captured eagerly (cheap: V8 records frames) but formatted only when a report asks for it.
 */

/** `at fn (where:1:2)`, `at where:1:2` (V8) or `fn@where:1:2` (Firefox, Safari) → `where`. */
const LOCATION = /(?:\(|^\s*at\s+|@)([^\s()@][^()]*?):\d+:\d+\)?\s*$/;

let ownDirectory: string | undefined | null = null;

function locationOf(frame: string): string | undefined {
  return LOCATION.exec(frame)?.[1];
}

/** The folder this file was loaded from (dist/esm or dist/cjs); frames there belong to the runtime. */
function runtimeDirectory(): string | undefined {
  if (ownDirectory === null) {
    const frames = (new Error().stack ?? '').split('\n');
    const own = frames.map(locationOf).find((location) => location !== undefined);
    ownDirectory = own === undefined ? undefined : own.slice(0, Math.max(own.lastIndexOf('/'), own.lastIndexOf('\\')) + 1);
  }
  return ownDirectory;
}

function isCallerFrame(frame: string, runtimeDir: string | undefined): boolean {
  const location = locationOf(frame);
  if (location === undefined) return false;
  if (location.startsWith('node:') || location.startsWith('internal/')) return false;
  return runtimeDir === undefined || runtimeDir === '' || !location.startsWith(runtimeDir);
}

/**
 * Captures the caller's stack now; the returned function formats its first non-runtime frame.
 * `minFrames` raises V8's stack depth for this capture when callers sit below many host frames.
 */
export function captureCreationSite(minFrames = 0): () => string {
  const errorClass = Error as { stackTraceLimit?: number };
  const limit = errorClass.stackTraceLimit;
  const deepen = typeof limit === 'number' && limit < minFrames;
  if (deepen) errorClass.stackTraceLimit = minFrames;
  const holder = new Error();
  if (deepen) errorClass.stackTraceLimit = limit;
  let formatted: string | undefined;
  return () => {
    if (formatted === undefined) {
      const frames = (holder.stack ?? '').split('\n').slice(1);
      const runtimeDir = runtimeDirectory();
      const caller = frames.find((frame) => isCallerFrame(frame, runtimeDir)) ?? frames.find((frame) => locationOf(frame) !== undefined);
      formatted = caller === undefined ? 'unknown location' : caller.trim().replace(/^at /, '');
    }
    return formatted;
  };
}
