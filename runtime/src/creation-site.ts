/**
 * Where a task, tracked promise or leaked resource was created, so a report can point at the line.
 * The stack is captured eagerly and formatted only when a report asks for it. Capturing costs a
 * stack trace, fine for supervise() but not for a track() in a hot loop, so tracked promises capture
 * one frame (the caller's, under 1 µs on V8) unless NODE_ENV is 'production' or setCreationSites()
 * says otherwise.
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

function fromHolder(holder: { stack?: string }): CreationSite {
  let formatted: string | undefined;
  let frames: string[] | undefined;
  const all = (): string[] => (frames ??= (holder.stack ?? '').split('\n').slice(1).filter((frame) => locationOf(frame) !== undefined));
  const site = (() => {
    if (formatted === undefined) {
      const list = all();
      let caller: string | undefined;
      for (const frame of list) {
        const location = locationOf(frame) as string;
        if (!isHostFrame(location) && !isRuntimeFrame(frame)) {
          caller = frame;
          break;
        }
      }
      if (caller === undefined) caller = list.find((frame) => !isRuntimeFrame(frame));
      formatted = caller === undefined ? 'unknown location' : caller.trim().replace(/^at (?:async )?/, '');
    }
    return formatted;
  }) as CreationSite;
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

const SITES_OFF = (): string => 'unknown (creation sites are off: setCreationSites(true) turns them on)';

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

/**
 * captureCreationSite() for track(): the one frame that called `above` (the API function), which
 * is the caller's line; a stack costs per frame captured. Or the "off" placeholder.
 */
export function captureTrackSite(above: Function): () => string {
  return trackSitesOn() ? captureCreationSite(1, above) : SITES_OFF;
}

/**
 * Whether track() records where each promise was created (shown in leak reports, pending() and
 * rejection logs). Default: on, except when NODE_ENV is 'production' (also as a bundler defines
 * it); `undefined` restores that. supervise() always records it.
 */
export function setCreationSites(enabled: boolean | undefined): void {
  runtimeState().trackSites = enabled;
}
