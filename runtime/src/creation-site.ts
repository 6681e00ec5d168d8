/**
 * Where a task, tracked promise or leaked resource was created, so a report can point at the line.
 * The stack is captured eagerly and formatted only when a report asks for it. Capturing costs a
 * stack walk, fine for supervise() but not for a track() in a hot loop, so tracked promises capture
 * two frames (the API function's and its caller's), and by default once per name (see trackSite()),
 * none when NODE_ENV is 'production', or as setCreationSites() says.
 */
import { runtimeState, type RuntimeState } from './state.js';

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
    const frames = stackLines(new Error());
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

/**
 * The lines of a captured stack, or none when reading it fails: the `stack` getter calls the app's
 * Error.prepareStackTrace, which may throw or return something else than a string (an array of
 * call sites), and a creation site must never break the call that records it.
 */
function stackLines(holder: { stack?: unknown }): string[] {
  try {
    const stack = holder.stack;
    return typeof stack === 'string' ? stack.split('\n') : [];
  } catch {
    return [];
  }
}

/** The frames of a captured stack (its first line is the message, never a frame). */
function framesOf(holder: { stack?: unknown }): string[] {
  return stackLines(holder).slice(1).filter((frame) => locationOf(frame) !== undefined);
}

const UNKNOWN_LOCATION = 'unknown location';

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
  return caller === undefined ? UNKNOWN_LOCATION : caller.trim().replace(/^at (?:async )?/, '');
}

function fromHolder(holder: { stack?: unknown }): CreationSite {
  let formatted: string | undefined;
  let frames: string[] | undefined;
  const all = (): string[] => (frames ??= framesOf(holder));
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
  let holder: { stack?: unknown } = {};
  try {
    if (change) errorClass.stackTraceLimit = frames;
    if (above !== undefined && typeof errorClass.captureStackTrace === 'function') errorClass.captureStackTrace(holder, above);
    else holder = new Error(); // Read (formatted) only when a report asks.
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

/**
 * How track() and go() record creation sites: not at all, one line per name (`'per-name'`), or a
 * stack on every call (`true`).
 */
export type CreationSites = boolean | 'per-name';

/** The default: off when NODE_ENV is 'production', else per name (read once: `process.env` is slow). */
function defaultSites(state: RuntimeState): CreationSites {
  return (state.trackSitesDefault ??= nodeEnv() === 'production' ? false : 'per-name');
}

/** A stack captured by track() and not read yet: reading `stack` formats it (V8 does that lazily). */
export interface TrackStack {
  stack?: unknown;
}

/** What a tracked promise keeps for its creation site: its own stack, or its name's memoised line. */
export type TrackSite = TrackStack | string;

/**
 * Per name: how many calls so far, and the caller's line of its second call, which later calls
 * share. Only the formatted line is kept: an unformatted stack holds each frame's function and
 * receiver alive, and a memo lives longer than any call.
 */
interface SiteMemo {
  site: string | undefined;
  calls: number;
}

/**
 * Names with a memo, and names found used in two places; beyond this many the oldest is forgotten
 * (names built from ids never repeat, so they must not pile up).
 */
const MAX_NAMES = 1000;
const memos = new Map<string, SiteMemo>();
const sharedNames = new Set<string>();

/** Forgets the oldest name when `names` is full. */
function makeRoom(names: Map<string, SiteMemo> | Set<string>): void {
  if (names.size >= MAX_NAMES) names.delete(names.keys().next().value as string);
}

/**
 * Why trackSite() asks for a capture: every call (no memo), the first call of a name (the entry
 * keeps its own stack), its second (whose line becomes the memo), or a check of the memo.
 */
const CAPTURE_EVERY = 0;
const CAPTURE_FIRST = 1;
const CAPTURE_SECOND = 2;
const CAPTURE_CHECK = 3;
type CaptureReason = typeof CAPTURE_EVERY | typeof CAPTURE_FIRST | typeof CAPTURE_SECOND | typeof CAPTURE_CHECK;

/**
 * After calls 3 and 4 (always checked), a call is checked at random, 1 in CHECK_ODDS: a name used
 * in a second place is found after about that many calls from there, whatever their rhythm (a
 * fixed schedule would never see a place called in step with it), and a name used in one place
 * pays for a stack walk on 1 call in CHECK_ODDS.
 */
const ALWAYS_CHECKED = 4;
const CHECK_ODDS = 64;

let state: RuntimeState | undefined;

/**
 * The first half of a track() or go() capture, used in the body of the API function itself:
 *
 *   const site = trackSite(name);
 *   const stack = typeof site !== 'number' ? site : trackCaptureEnd(trackCaptureStart(), new Error(), name, site);
 *
 * It says what the entry keeps (undefined with creation sites off, the name's memoised line), or,
 * as a number, why the call must capture its own. `new Error()` is built in the API function with
 * Error.stackTraceLimit at 2, so V8 walks two frames, the function and its caller, and formats
 * nothing (the `stack` getter does, when a report reads it). That walk costs microseconds (V8
 * summarises the caller's optimised frame), which is why a name's calls share one line. Other
 * engines capture a whole stack, whose runtime frames trackSiteOf() skips.
 */
export function trackSite(name: unknown): string | undefined | CaptureReason {
  const current = state ?? (state = runtimeState());
  const mode = current.trackSites ?? defaultSites(current);
  if (mode === false) return undefined;
  // Unnamed calls, and every call while a leak probe watches: a report must name each exact line.
  if (mode === true || current.siteProbes > 0 || typeof name !== 'string') return CAPTURE_EVERY;
  const memo = memos.get(name);
  if (memo === undefined) return sharedNames.has(name) ? CAPTURE_EVERY : CAPTURE_FIRST;
  if (memo.site === undefined) return CAPTURE_SECOND;
  if (++memo.calls <= ALWAYS_CHECKED || Math.random() * CHECK_ODDS < 1) return CAPTURE_CHECK;
  return memo.site;
}

/** Sets Error.stackTraceLimit to 2 for the capture; what to restore (undefined: nothing). */
export function trackCaptureStart(): number | undefined {
  const errorClass = Error as unknown as V8ErrorConstructor;
  const limit = errorClass.stackTraceLimit;
  if (typeof limit !== 'number' || limit === 2) return undefined;
  errorClass.stackTraceLimit = 2;
  return limit;
}

/** Restores what trackCaptureStart() changed, updates the name's memo; what the entry keeps. */
export function trackCaptureEnd(started: number | undefined, error: Error, name: unknown, reason: CaptureReason): TrackSite {
  if (started !== undefined) (Error as unknown as V8ErrorConstructor).stackTraceLimit = started;
  if (reason === CAPTURE_EVERY) return error;
  const key = name as string;
  const memo = memos.get(key);
  if (memo === undefined) {
    makeRoom(memos);
    memos.set(key, { site: undefined, calls: 1 });
    return error;
  }
  const site = trackSiteOf(error);
  const readable = site !== UNKNOWN_LOCATION;
  if (readable && reason === CAPTURE_SECOND) {
    memo.site = site;
    memo.calls = 2;
    return site;
  }
  if (readable && site === memo.site) return site;
  // Another place, or a stack that cannot be read (the app's Error.prepareStackTrace), which proves
  // nothing: every call of the name records its own from now on.
  memos.delete(key);
  makeRoom(sharedNames);
  sharedNames.add(key);
  return readable ? site : error;
}

/** The creation site of a tracked promise, from what trackSite() or trackCaptureEnd() gave it. */
export function trackSiteOf(stack: TrackSite | undefined): string {
  if (typeof stack === 'string') return stack;
  return stack === undefined ? SITES_OFF : callerOf(framesOf(stack));
}

/**
 * Whether track() and go() record where each promise was created (shown in leak reports,
 * pending() and rejection logs):
 * - `'per-name'` (the default, unless NODE_ENV is 'production', also as a bundler defines it): the
 *   first call of each name captures its caller's line and later calls of that name share it; a
 *   sample of them checks it, and a name found used in two places captures on every call from
 *   then on. Unnamed calls, and calls while a leak probe watches, capture every time.
 * - `true`: every call captures its own (exact, and microseconds per call).
 * - `false`: none; `createdAt` says so.
 * - `undefined`: back to the default. supervise() always records its creation site.
 */
export function setCreationSites(mode: CreationSites | undefined): void {
  if (mode !== undefined && typeof mode !== 'boolean' && mode !== 'per-name') {
    throw new TypeError(`setCreationSites(mode): mode must be true, false, 'per-name' or undefined, got ${typeof mode === 'string' ? `'${mode}'` : typeof mode}`);
  }
  const current = runtimeState();
  current.trackSites = mode;
  // Back to the default: NODE_ENV is read again.
  if (mode === undefined) current.trackSitesDefault = undefined;
}
