/** Small text helpers shared by the engine, the runner's reports and the audit formats. */

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
