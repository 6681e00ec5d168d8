/**
 * Where typed mode gets the TypeScript compiler. `typescript` is an optional peer dependency of
 * leakfix: only `--typed` (track-async's `typed` option) needs it, so it is resolved and loaded on
 * first use, from leakfix's own location (a peer installed beside it) and else from the project in
 * the current directory (`npx leakfix` run from a repository that has TypeScript).
 */
import type * as ts from 'typescript';

/** The one line a typed run without TypeScript fails with (exit 3). */
export const TYPESCRIPT_MISSING =
  'typed mode (--typed, or track-async\'s "typed" option) needs the typescript package, which is not installed: npm install --save-dev typescript';

/** The path `require('typescript')` would load, or undefined when it is not installed. */
export function resolveTypescript(cwd: string = process.cwd()): string | undefined {
  for (const base of [__dirname, cwd]) {
    try {
      return require.resolve('typescript', { paths: [base] });
    } catch {
      // not resolvable from here; try the next place
    }
  }
  return undefined;
}

/** Loads the compiler; throws TYPESCRIPT_MISSING when it is not installed. */
export function loadTypescript(): typeof ts {
  const resolved = resolveTypescript();
  if (resolved === undefined) throw new Error(TYPESCRIPT_MISSING);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deliberate lazy load
  return require(resolved) as typeof ts;
}
