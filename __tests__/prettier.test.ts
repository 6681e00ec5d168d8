/**
 * The Prettier step of `transform`: a changed file is formatted with the target repository's own
 * Prettier and config only when Prettier is installed there, a config applies, the file is not
 * in .prettierignore and it was Prettier-clean before; otherwise only the changed lines differ.
 * The temp repositories get the Prettier that leakfix installs as a devDependency (from the npm
 * registry) linked into their node_modules, as `npm install` would put it there.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { run } from '../index';
import { processSource, DEFAULT_RUNTIME_IMPORT } from '../lib/engine';
import { RULES } from '../transforms';
import { validateConfig } from '../lib/runner/config';
import { CLI } from './helpers/paths';
import { removeSandboxes, sandbox } from './transforms/sandbox';

after(removeSandboxes);

const prettierDir = path.dirname(require.resolve('prettier/package.json'));
const prettier = require('prettier') as { check(source: string, options: object): Promise<boolean>; version: string };

/** Clean by Prettier's defaults plus `singleQuote`; the wrapped call leakfix prints is 82 columns, so Prettier re-wraps it. */
const CLEAN = `const http = require('http');

async function notify(event) {
  await http.get(\`http://hooks.local/\${event}\`);
}

function onEvent(event) {
  notify(event).then((response) => {
    console.log('notified', event, response.statusCode, response.headers);
  });
}

module.exports = { onEvent };
`;

/** Not Prettier-clean (4-space indent, no semicolons, one-line function). */
const MESSY = `const http = require('http')
async function notify(event) { await http.get(\`http://hooks.local/\${event}\`) }
function onEvent(event) {
    notify(event)
}
module.exports = { onEvent }
`;

function withPrettier(dir: string): string {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(prettierDir, path.join(dir, 'node_modules', 'prettier'), 'dir');
  return dir;
}

/** What the engine alone prints: only the changed lines differ from the input. */
function engineOutput(file: string, source: string): string {
  const outcome = processSource(file, source, { rules: RULES, mode: 'transform', runtimeImport: DEFAULT_RUNTIME_IMPORT });
  assert.equal(outcome.status, 'changed');
  return outcome.output!;
}

const read = (dir: string, file: string): string => fs.readFileSync(path.join(dir, file), 'utf8');
const options = (dir: string, file: string): object => ({ singleQuote: true, filepath: path.join(dir, file) });

describe('Prettier: the repository’s own formatter', () => {
  test('a Prettier-clean file stays Prettier-clean, formatted with the repository’s config', async () => {
    const dir = withPrettier(sandbox({ '.prettierrc': '{ "singleQuote": true }\n', 'src/clean.js': CLEAN }));
    assert.equal(await prettier.check(CLEAN, options(dir, 'src/clean.js')), true, 'the fixture starts clean');
    const unformatted = engineOutput('src/clean.js', CLEAN);
    assert.equal(await prettier.check(unformatted, options(dir, 'src/clean.js')), false, 'without the Prettier step the output would fail --check');

    const result = await run({ cwd: dir, config: false, allowDirty: true, jobs: 0 });
    const record = result.records.find((r) => r.path === 'src/clean.js')!;
    assert.equal(record.status, 'changed');
    assert.equal(record.formatter, `prettier@${prettier.version}`);
    const written = read(dir, 'src/clean.js');
    assert.equal(await prettier.check(written, options(dir, 'src/clean.js')), true);
    assert.match(written, /track\(\n {4}notify\(event\)\.then/);
    assert.match(written, /^const \{ track \} = require\('@leakfix\/runtime'\);$/m);

    // A second run finds the file already fixed.
    const again = await run({ cwd: dir, config: false, allowDirty: true, jobs: 0 });
    assert.equal(again.records.find((r) => r.path === 'src/clean.js')!.status, 'unchanged');
  });

  test('a file that was not Prettier-clean is only changed on the rewritten lines', async () => {
    const dir = withPrettier(sandbox({ '.prettierrc': '{ "singleQuote": true }\n', 'messy.js': MESSY }));
    const result = await run({ cwd: dir, config: false, allowDirty: true, jobs: 0 });
    const record = result.records.find((r) => r.path === 'messy.js')!;
    assert.equal(record.status, 'changed');
    assert.equal(record.formatter, undefined);
    assert.equal(read(dir, 'messy.js'), engineOutput('messy.js', MESSY));
  });

  test('--no-prettier and "prettier": false leave formatting alone', async () => {
    const dir = withPrettier(sandbox({ '.prettierrc': '{ "singleQuote": true }\n', 'clean.js': CLEAN }));
    const expected = engineOutput('clean.js', CLEAN);

    const dry = await run({ cwd: dir, config: false, dry: true, prettier: false, jobs: 0 });
    assert.equal(dry.records[0].formatter, undefined);

    const cli = spawnSync(process.execPath, [CLI, 'transform', '--dry', '--no-prettier', '--no-config', '-q', '.'], { cwd: dir, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /\+  track\(notify\(event\)\.then\(\(response\) => \{/);

    assert.throws(() => validateConfig({ prettier: 'no' }, 'leakfix.config.json'), /"prettier" must be true or false/);
    fs.writeFileSync(path.join(dir, 'leakfix.config.json'), '{ "prettier": false }\n');
    const configured = await run({ cwd: dir, allowDirty: true, jobs: 0 });
    assert.equal(configured.records.find((r) => r.path === 'clean.js')!.formatter, undefined);
    assert.equal(read(dir, 'clean.js'), expected);
  });

  test('a repository without Prettier installed, or without a Prettier config, gets only the changed lines', async () => {
    const noPrettier = sandbox({ '.prettierrc': '{ "singleQuote": true }\n', 'clean.js': CLEAN });
    assert.throws(() => createRequire(path.join(noPrettier, 'x.js')).resolve('prettier'), 'the temp repository must not see any Prettier (leakfix never uses its own)');
    await run({ cwd: noPrettier, config: false, allowDirty: true, jobs: 0 });
    assert.equal(read(noPrettier, 'clean.js'), engineOutput('clean.js', CLEAN));

    const noConfig = withPrettier(sandbox({ 'clean.js': CLEAN }));
    await run({ cwd: noConfig, config: false, allowDirty: true, jobs: 0 });
    assert.equal(read(noConfig, 'clean.js'), engineOutput('clean.js', CLEAN));
  });

  test('files in .prettierignore are not formatted; worker threads format like the main thread', async () => {
    const files: Record<string, string> = { '.prettierrc': '{ "singleQuote": true }\n', '.prettierignore': 'vendor/\n', 'vendor/clean.js': CLEAN };
    for (let i = 0; i < 4; i++) files[`src/f${i}.js`] = CLEAN;
    const dir = withPrettier(sandbox(files));
    const pooled = await run({ cwd: dir, config: false, dry: true, jobs: 2 });
    assert.equal(pooled.inProcess, false);
    const byPath = new Map(pooled.records.map((r) => [r.path, r]));
    assert.equal(byPath.get('vendor/clean.js')!.formatter, undefined);
    for (let i = 0; i < 4; i++) assert.equal(byPath.get(`src/f${i}.js`)!.formatter, `prettier@${prettier.version}`);
    const inline = await run({ cwd: dir, config: false, dry: true, jobs: 0 });
    assert.deepEqual(
      inline.records.map((r) => [r.path, r.diff]),
      pooled.records.map((r) => [r.path, r.diff]),
    );
  });
});
