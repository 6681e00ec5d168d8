/**
 * Small text helpers shared by the engine, the runner's reports, the audit formats, the typed
 * analysis and the ESLint plugin (which reaches them through the package entry).
 */

/** `1 file`, `2 files`, `3 baseline entries` (pass `many` when adding `s` is wrong). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The first line of a (possibly multi-line) message, trimmed: error messages in one-line reports. */
export function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Markdown table cell: no line breaks, escaped pipes. */
export function markdownCell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** The offset at which each line of `text` starts: 0, then one past each `\n`. */
export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * The 0-based index of the line that holds `offset`, given the lines' start offsets in ascending
 * order (`lineStartOffsets`): the last start at or before the offset, by binary search.
 */
export function lineIndexAt(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
