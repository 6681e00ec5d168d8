/**
 * Unified diffs that `git apply` (and `patch -p1`) accept as they are: a `diff --git` line,
 * `a/` and `b/` prefixes, and the file's own line endings kept inside each line, so CRLF files
 * round-trip byte for byte.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/** Git quotes paths that contain spaces, quotes, backslashes or control characters. */
function gitPath(prefix: string, filePath: string): string {
  const full = `${prefix}${filePath}`;
  if (!/[\s"\\\x00-\x1f\x7f]/.test(full)) return full;
  const escaped = full.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  return `"${escaped}"`;
}

export function unifiedDiff(filePath: string, before: string, after: string): string {
  const body = createTwoFilesPatch(gitPath('a/', filePath), gitPath('b/', filePath), before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
  return `diff --git ${gitPath('a/', filePath)} ${gitPath('b/', filePath)}\n${body}`;
}
