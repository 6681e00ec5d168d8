/**
 * The layering of the source tree: transforms/ depend on lib/, and lib/ never imports transforms/
 * (the registry is handed down by the top layer: bin/, the package entry index.ts, the ESLint
 * plugin). Checked on the import graph of the TypeScript sources: every `import ... from`,
 * `export ... from`, `import()` and `require()` of a relative path in a file under lib/.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/paths';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) ? [full] : [];
  });
}

/** The module specifiers a TypeScript file names (static and dynamic imports, re-exports, require). */
function importedSpecifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) out.push(match[1]);
  return out;
}

/** `lib/x.ts: ../transforms` for each relative import in lib/ that resolves into transforms/. */
function libImportsOfTransforms(): string[] {
  const lib = path.join(REPO_ROOT, 'lib');
  const transforms = path.join(REPO_ROOT, 'transforms');
  return sourceFiles(lib).flatMap((file) =>
    importedSpecifiers(fs.readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .filter((specifier) => {
        const target = path.resolve(path.dirname(file), specifier);
        return target === transforms || target.startsWith(transforms + path.sep);
      })
      .map((specifier) => `${path.relative(REPO_ROOT, file)}: ${specifier}`),
  );
}

describe('layering', () => {
  it('finds every import form the check relies on', () => {
    const text = [
      "import { a } from '../transforms';",
      "import type { B } from '../../transforms/x';",
      "export { RULES } from '../transforms';",
      "export * from '../transforms/index';",
      "import '../transforms/side-effect';",
      "const r = require('../../transforms');",
      "const m = await import('../transforms/y');",
      'import {\n  c,\n  d,\n} from "../transforms/z";',
    ].join('\n');
    assert.deepEqual(importedSpecifiers(text), [
      '../transforms',
      '../../transforms/x',
      '../transforms',
      '../transforms/index',
      '../transforms/z',
      '../transforms/side-effect',
      '../../transforms',
      '../transforms/y',
    ]);
  });

  it('lib/ never imports transforms/', () => {
    assert.deepEqual(libImportsOfTransforms(), []);
  });
});
