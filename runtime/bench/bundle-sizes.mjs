// Bundle size per entry point: what an app pays for each import, minified with esbuild for the
// browser (NODE_ENV=production), raw and gzipped. BUDGET (gzipped bytes) is the README's budget;
// test/package.test.mjs holds the build to it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const RUNTIME_DIR = fileURLToPath(new URL('..', import.meta.url));

export const ENTRIES = {
  'track only': "import { track } from '@leakfix/runtime'; track(Promise.resolve(), 'x');",
  'supervise only': "import { supervise } from '@leakfix/runtime'; supervise('x', () => {}, { everyMs: 1000 });",
  'TaskGroup only': "import { TaskGroup } from '@leakfix/runtime'; new TaskGroup().track(Promise.resolve());",
  'shutdown + handleShutdownSignals': "import { shutdown, handleShutdownSignals } from '@leakfix/runtime'; handleShutdownSignals(); shutdown();",
  'everything (@leakfix/runtime)': "export * from '@leakfix/runtime';",
  '@leakfix/runtime/testing': "export * from '@leakfix/runtime/testing';",
};

/** Gzipped bytes per entry. */
export const BUDGET = {
  'track only': 4500,
  'supervise only': 5800,
  'TaskGroup only': 4400,
  'shutdown + handleShutdownSignals': 5500,
  'everything (@leakfix/runtime)': 8700,
  '@leakfix/runtime/testing': 3800,
};

export async function bundleSizes() {
  const esbuild = require('esbuild');
  const sizes = {};
  for (const [name, contents] of Object.entries(ENTRIES)) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: RUNTIME_DIR, sourcefile: 'entry.mjs' },
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2018',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    sizes[name] = { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  }
  return sizes;
}
