/**
 * Where a task or tracked promise was created, so a leak report can point at the line. The stack is
 * captured eagerly and formatted only when a report asks for it. Capturing costs a stack trace
 * (about 2-20 µs), fine for supervise() but not for a track() in a hot loop, so tracked promises
 * capture it unless NODE_ENV is 'production', or as setCreationSites() says.
 */
import { nodeProcess } from './host.js';
import { runtimeState } from './state.js';

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

const SITES_OFF = (): string => 'unknown (creation sites are off: setCreationSites(true) turns them on)';

/** captureCreationSite() for track(), subject to setCreationSites(). */
export function captureTrackSite(): () => string {
  const state = runtimeState();
  state.trackSites ??= (nodeProcess() as { env?: Record<string, string | undefined> } | undefined)?.env?.NODE_ENV !== 'production';
  return state.trackSites ? captureCreationSite() : SITES_OFF;
}

/**
 * Whether track() records where each promise was created (shown in leak reports, pending() and
 * rejection logs). Default: on, except when NODE_ENV is 'production'; `undefined` restores that.
 * supervise() always records it.
 */
export function setCreationSites(enabled: boolean | undefined): void {
  runtimeState().trackSites = enabled;
}
