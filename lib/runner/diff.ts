/**
 * Unified diffs that `git apply` (and `patch -p1`) accept as they are: a `diff --git` header,
 * `a/` and `b/` prefixes, names quoted the way git quotes them, and the file's own line endings
 * kept inside each line, so CRLF files round-trip byte for byte.
 */
import { formatPatch, structuredPatch } from 'diff';

export function unifiedDiff(filePath: string, before: string, after: string): string {
  const patch = structuredPatch(`a/${filePath}`, `b/${filePath}`, before, after, undefined, undefined, { context: 3 });
  const text = formatPatch({ ...patch, isGit: true });
  return text.endsWith('\n') ? text : `${text}\n`;
}
