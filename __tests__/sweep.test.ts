/**
 * The reliability sweep (bench/sweep.ts) on real published code already on disk: a slice of the
 * project's own node_modules. `npm run sweep` runs the same checks on the 13k-file benchmark corpus.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { missingFrom, runSweep, sweepFailures, textParts } from '../bench/sweep';
import { exclusionFor, SOURCE_EXTENSIONS } from '../bench/corpus';
import { fixable, type Site } from '../lib/findings';
import { insertBefore } from '../lib/analysis/edit';
import type { LeakRule, RuleContext } from '../lib/rule';
import { REPO_ROOT } from './helpers/paths';

const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');

/** Folders of installed packages with plain, readable source (no bundles), some with timers and cleanup calls. */
const PACKAGE_FOLDERS = [
  'recast/lib',
  'ast-types/lib',
  'yargs/build/lib',
  'jscodeshift/src',
  'graceful-fs',
  'tmp/lib',
  'source-map-support',
  'signal-exit/dist/cjs',
  'debug/src',
  'write-file-atomic/lib',
  'neo-async',
  'diff/libcjs',
  'ajv/dist/compile',
  'json5/lib',
  'make-dir',
  'find-cache-dir',
  '@babel/core/lib',
];

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full, out);
    else if (entry.isFile() && SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) out.push(full);
  }
}

/** Installed files, relative to node_modules, chosen by the corpus rules (no declarations, bundles, minified files). */
function installedSlice(): string[] {
  const files: string[] = [];
  for (const folder of PACKAGE_FOLDERS) {
    const dir = path.join(NODE_MODULES, folder);
    if (!fs.existsSync(dir)) continue;
    const found: string[] = [];
    walk(dir, found);
    for (const file of found) {
      const rel = path.relative(NODE_MODULES, file).split(path.sep).join('/');
      if (!exclusionFor(rel, fs.readFileSync(file, 'utf8'))) files.push(rel);
    }
  }
  return files;
}

test('sweep over installed packages: no crash, written files parse, second run changes nothing, fuzzed files reported and never written', async () => {
  const files = installedSlice();
  assert.ok(files.length >= 150, `expected a real slice of node_modules, got ${files.length} files`);
  const report = await runSweep({ sourceRoot: NODE_MODULES, files, seed: 7, sampleSize: 5, fuzzCount: 20 });
  assert.deepEqual(sweepFailures(report), []);
  assert.equal(report.files, files.length);
  const statuses = Object.values(report.byStatus).reduce((a, b) => a + b, 0);
  assert.equal(statuses, files.length, 'every file has exactly one record');
  // The prefilters are meant to be selective; this only checks the slice still exercises the parser.
  // Files under jscodeshift/src/__testfixtures__ are fixtures (lib/context) and are skipped, not parsed.
  assert.ok(report.parsed >= 20, `the transforms' prefilters should send some files to the parser, got ${report.parsed}`);
  assert.equal(report.fuzz.generated, 20);
  assert.equal(report.fuzz.byOutcome['error: parse-error'], 20, JSON.stringify(report.fuzz.byOutcome));
  for (const failure of report.parseFailures) assert.deepEqual(failure.parsesWith, [], `${failure.path} parses with another parser`);
});

/** A rule that prepends `void 0;` to every file, every run: never reaches a fixpoint. */
function growingRule(): LeakRule {
  return {
    meta: {
      name: 'grows-forever',
      description: 'test-only rule that is not idempotent',
      prefilter: /\S/,
      skipsTestFiles: false,
      options: {},
      patterns: { first: 'the first statement' },
      reasons: {},
    },
    detect(ctx: RuleContext): Site[] {
      const first = ctx.file.program.body[0];
      if (!first) return [];
      return [fixable('first', first, 'yellow', 'prepend', () => insertBefore(ctx.index, first, ctx.template.statement('void 0;')))];
    },
  };
}

test('the sweep reports a transform whose second run changes the files again', async () => {
  const files = installedSlice().slice(0, 6);
  const report = await runSweep({ sourceRoot: NODE_MODULES, files, seed: 1, sampleSize: 2, fuzzCount: 2, rules: [growingRule()] });
  assert.ok(report.changed > 0, 'the rule changed files in the first run');
  assert.equal(report.unparsableWrites.length, 0);
  assert.equal(report.notIdempotent.length, report.changed);
  assert.ok(sweepFailures(report).some((f) => f.includes('changed again in the second run')), sweepFailures(report).join('; '));
});

test('the literal check catches a template literal re-indented by a wrap, and ignores moved code and added strings', () => {
  const original = "function f(cw) {\n  cw.write(`<a>\n    <b/>\n  </a>`); // keep\n  cw.close();\n}\n";
  const reindented = "function f(cw) {\n  try {\n    cw.write(`<a>\n      <b/>\n    </a>`); // keep\n  } finally {\n    cw.close();\n  }\n}\n";
  const faithful = "const { track } = require('@leakfix/runtime');\nfunction f(cw) {\n  try {\n    cw.write(`<a>\n    <b/>\n  </a>`); // keep\n  } finally {\n    cw.close();\n  }\n}\n";
  const before = textParts(original, 'babel')!;
  assert.equal(missingFrom(before.literals, textParts(reindented, 'babel')!.literals).length, 1);
  assert.deepEqual(missingFrom(before.literals, textParts(faithful, 'babel')!.literals), []);
  assert.deepEqual(missingFrom(before.comments, textParts(faithful, 'babel')!.comments), []);
  assert.deepEqual(missingFrom(before.comments, textParts(faithful.replace(' // keep', ''), 'babel')!.comments), ['keep']);
});
