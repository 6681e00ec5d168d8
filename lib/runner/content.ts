/**
 * Cheap checks on a file's bytes and text before any parsing: binary files, text that is not UTF-8,
 * and generated or bundled code (recognised by content, not only by a `*.min.js` name).
 * Each returns a reason code for the file's `skipped` record, or undefined.
 */

const BINARY_SNIFF_BYTES = 8000;
/** A line this long is not hand-written source. */
const MAX_LINE_LENGTH = 2000;
/** Above this average line length (in a file of some size), the file is minified. */
const MAX_AVERAGE_LINE_LENGTH = 250;
const AVERAGE_CHECK_MIN_SIZE = 4000;
const HEADER_CHARS = 2048;
const TRAILER_CHARS = 1024;

const GENERATED_BANNERS: readonly RegExp[] = [
  /@generated\b/,
  /\bwebpackBootstrap\b/,
  // webpack's runtime lines; a bare `__webpack_require__` also appears in hand-written code.
  /^\/\*{6}\/ /m,
  /\bparcelRequire\s*=/,
  /This file (?:is|was|has been) (?:auto-?generated|automatically generated|generated)/i,
  /\bauto-generated (?:file|code)\b/i,
  /\bDO NOT EDIT\b/,
  /^\/\*! For license information please see /m,
];

const SOURCE_MAP_COMMENT = /\/[/*][#@]\s*sourceMappingURL=/;

export function binaryReason(bytes: Uint8Array): string | undefined {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return 'binary';
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 exactly (a BOM is kept as U+FEFF); undefined when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export interface GeneratedVerdict {
  reason: 'generated' | 'minified';
  message: string;
}

function longestLine(text: string): { longest: number; lines: number } {
  let longest = 0;
  let lines = 0;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    if (stop - start > longest) longest = stop - start;
    lines++;
    if (end < 0) break;
    start = end + 1;
  }
  return { longest, lines };
}

export function generatedVerdict(text: string): GeneratedVerdict | undefined {
  const header = text.slice(0, HEADER_CHARS);
  for (const banner of GENERATED_BANNERS) {
    const match = banner.exec(header);
    if (match) return { reason: 'generated', message: `generated or bundled code (${match[0].trim()})` };
  }
  if (SOURCE_MAP_COMMENT.test(text.slice(-TRAILER_CHARS))) {
    return { reason: 'generated', message: 'compiled output (has a sourceMappingURL comment)' };
  }
  const { longest, lines } = longestLine(text);
  if (longest > MAX_LINE_LENGTH) return { reason: 'minified', message: `a line of ${longest} characters (minified or bundled)` };
  if (text.length >= AVERAGE_CHECK_MIN_SIZE && text.length / lines > MAX_AVERAGE_LINE_LENGTH) {
    return { reason: 'minified', message: `average line length ${Math.round(text.length / lines)} (minified or bundled)` };
  }
  return undefined;
}
