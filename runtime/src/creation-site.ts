/**
 * Where a task, tracked promise or leaked resource was created, so a report can point at the line.
 * The stack is captured eagerly and formatted only when a report asks for it. Capturing costs a
 * stack trace, fine for supervise() but not for a track() in a hot loop, so tracked promises capture
 * one frame (the caller's) unless NODE_ENV is 'production' or setCreationSites() says otherwise.
 */
import { runtimeState } from './state.js';

/** `at fn (where:1:2)`, `at where:1:2` (V8) or `fn@where:1:2` (Firefox, Safari) → `where`. */
const LOCATION = /(?:\(|^\s*at\s+(?:async\s+)?|@)([^\s()@][^()]*?):\d+:\d+\)?\s*$/;

let ownDirectory: string | undefined | null = null;

function locationOf(frame: string): string | undefined {
  const match = LOCATION.exec(frame);
  return match === null ? undefined : match[1];
}

/** file:///a/b and /a/b name the same file (ESM and CJS frames). */
function pathOf(location: string): string {
  return location.startsWith('file://') ? location.slice(7) : location;
}

/**
 * The folder this file was loaded from; frames there belong to the runtime. For dist/esm/ or
 * dist/cjs/ it is dist/, so frames of the other build (an app can load both) count too.
 */
function runtimeDirectory(): string | undefined {
  if (ownDirectory === null) {
    const frames = (new Error().stack ?? '').split('\n');
    let own: string | undefined;
    for (const frame of frames) {
      own = locationOf(frame);
      if (own !== undefined) break;
    }
    const dir = own === undefined ? '' : pathOf(own).slice(0, Math.max(pathOf(own).lastIndexOf('/'), pathOf(own).lastIndexOf('\\')) + 1);
    ownDirectory = dir === '' ? undefined : dir.replace(/dist[\\/](?:esm|cjs)[\\/]$/, (build) => build.slice(0, 5));
  }
  return ownDirectory;
}

/** True for a frame of the runtime itself (either build). */
export function isRuntimeFrame(frame: string): boolean {
  const location = locationOf(frame);
  const dir = runtimeDirectory();
  return location !== undefined && dir !== undefined && pathOf(location).startsWith(dir);
}

function isHostFrame(location: string): boolean {
  return location.startsWith('node:') || location.startsWith('internal/') || location === 'native';
}

/** A captured stack: `site()` is the first frame outside the runtime and the host, `frames()` all of them. */
export interface CreationSite {
  (): string;
  frames(): string[];
}

/** The frames of a captured stack (its first line is the message, never a frame). */
function framesOf(stack: string | undefined): string[] {
  return (stack ?? '').split('\n').slice(1).filter((frame) => locationOf(frame) !== undefined);
}

/** The first frame outside the runtime and the host (else outside the runtime), as `fn (where:1:2)`. */
function callerOf(frames: readonly string[]): string {
  let caller: string | undefined;
  for (const frame of frames) {
    const location = locationOf(frame) as string;
    if (!isHostFrame(location) && !isRuntimeFrame(frame)) {
      caller = frame;
      break;
    }
  }
  if (caller === undefined) caller = frames.find((frame) => !isRuntimeFrame(frame));
  return caller === undefined ? 'unknown location' : caller.trim().replace(/^at (?:async )?/, '');
}

function fromHolder(holder: { stack?: string }): CreationSite {
  let formatted: string | undefined;
  let frames: string[] | undefined;
  const all = (): string[] => (frames ??= framesOf(holder.stack));
  const site = (() => (formatted ??= callerOf(all()))) as CreationSite;
  site.frames = all;
  return site;
}

interface V8ErrorConstructor {
  stackTraceLimit?: number;
  captureStackTrace?(target: object, constructorOpt?: Function): void;
}

/**
 * Captures the caller's stack now. `above` (V8): frames from that function up are left out, so
 * the first frame kept is its caller. `frames`: how many frames to keep (V8), default 10.
 */
export function captureCreationSite(frames = 10, above?: Function): CreationSite {
  const errorClass = Error as unknown as V8ErrorConstructor;
  const limit = errorClass.stackTraceLimit;
  const change = typeof limit === 'number' && limit !== frames;
  const holder: { stack?: string } = {};
  try {
    if (change) errorClass.stackTraceLimit = frames;
    if (above !== undefined && typeof errorClass.captureStackTrace === 'function') errorClass.captureStackTrace(holder, above);
    else holder.stack = new Error().stack;
  } finally {
    if (change) errorClass.stackTraceLimit = limit;
  }
  return fromHolder(holder);
}

/** What createdAt says for a promise tracked with creation sites off. */
const SITES_OFF = 'unknown (creation sites are off: setCreationSites(true) turns them on)';

/** The `process.env.NODE_ENV` text a bundler replaces (esbuild, webpack, Vite define it), or undefined. */
function nodeEnv(): string | undefined {
  try {
    return process.env.NODE_ENV;
  } catch {
    return undefined; // No `process` (a browser without a bundler define).
  }
}

/** Whether track() records creation sites now (decided once, then per setCreationSites()). */
export function trackSitesOn(): boolean {
  const state = runtimeState();
  if (state.trackSites === undefined) state.trackSites = nodeEnv() !== 'production';
  return state.trackSites;
}

/** A stack captured by track() and not read yet: reading `stack` formats it (V8 does that lazily). */
export interface TrackStack {
  stack?: string;
}

/** What trackCaptureStart() returns with creation sites off. */
export const NO_TRACK_SITE = Symbol('no creation site');

/**
 * The two halves of a track() capture, used in the body of the API function itself:
 *
 *   const started = trackCaptureStart();
 *   const stack = started === NO_TRACK_SITE ? undefined : trackCaptureEnd(started, new Error());
 *
 * `new Error()` is built there, with Error.stackTraceLimit at 2, so V8 walks two frames, the API
 * function and its caller, and formats nothing (the `stack` getter does, when a report reads it).
 * Measured cheaper than `Error.captureStackTrace(holder, fn)`, which turns the holder into a
 * dictionary and summarises one more frame when called from a helper. Other engines capture a
 * whole stack, whose runtime frames trackSiteOf() skips. The start says what to restore.
 */
export function trackCaptureStart(): number | undefined | typeof NO_TRACK_SITE {
  const state = runtimeState();
  if (!(state.trackSites ?? trackSitesOn())) return NO_TRACK_SITE;
  const errorClass = Error as unknown as V8ErrorConstructor;
  const limit = errorClass.stackTraceLimit;
  if (typeof limit !== 'number' || limit === 2) return undefined;
  errorClass.stackTraceLimit = 2;
  return limit;
}

/** Restores what trackCaptureStart() changed; the stack to keep. */
export function trackCaptureEnd(started: number | undefined, error: Error): TrackStack {
  if (started !== undefined) (Error as unknown as V8ErrorConstructor).stackTraceLimit = started;
  return error;
}

/** The creation site of a tracked promise, formatted from the stack trackCaptureEnd() kept. */
export function trackSiteOf(stack: TrackStack | undefined): string {
  return stack === undefined ? SITES_OFF : callerOf(framesOf(stack.stack));
}

/**
 * Whether track() records where each promise was created (shown in leak reports, pending() and
 * rejection logs). Default: on, except when NODE_ENV is 'production' (also as a bundler defines
 * it); `undefined` restores that. supervise() always records it.
 */
export function setCreationSites(enabled: boolean | undefined): void {
  runtimeState().trackSites = enabled;
}
