// The package as consumers get it: declarations that type-check on the oldest supported TypeScript
// with any moduleResolution and a lib without DOM or @types/node, and leak nothing into the
// consumer's globals; ES2018 syntax only; a `sideEffects: false` that bundlers honour; creation
// sites off in browser production bundles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RUNTIME_DIR, runChild } from './helpers.mjs';

const require = createRequire(import.meta.url);
const FIXTURES = join(RUNTIME_DIR, 'test', 'fixtures', 'types');
const OLDEST = { label: 'TypeScript 5.0 (oldest supported)', tsc: require.resolve('typescript-oldest/bin/tsc') };
const CURRENT = { label: `TypeScript ${require('typescript/package.json').version}`, tsc: require.resolve('typescript/bin/tsc') };

/** A consumer project: node_modules/@leakfix/runtime → this workspace, the fixtures copied in. */
const project = mkdtempSync(join(tmpdir(), 'leakfix-runtime-types-'));
mkdirSync(join(project, 'node_modules', '@leakfix'), { recursive: true });
symlinkSync(RUNTIME_DIR, join(project, 'node_modules', '@leakfix', 'runtime'), 'dir');
for (const file of readdirSync(FIXTURES)) writeFileSync(join(project, file), readFileSync(join(FIXTURES, file)));
after(() => rmSync(project, { recursive: true, force: true }));

function typeCheck(compiler, file, compilerOptions) {
  const config = `tsconfig.${Math.random().toString(36).slice(2)}.json`;
  writeFileSync(join(project, config), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, ...compilerOptions }, files: [file] }));
  const result = spawnSync(process.execPath, [compiler.tsc, '-p', config], { cwd: project, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

function declarationFiles(dir = join(RUNTIME_DIR, 'dist')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? declarationFiles(join(dir, entry.name)) : entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('declarations', () => {
  test('no .d.ts carries a /// <reference lib> (it would leak into every consumer)', () => {
    const offenders = declarationFiles().filter((file) => /^\/\/\/\s*<reference\s+lib=/m.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  for (const compiler of [OLDEST, CURRENT]) {
    for (const [module, moduleResolution] of [
      ['commonjs', 'node10'],
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ]) {
      test(`${compiler.label}, moduleResolution ${moduleResolution}, lib ES2020 without DOM or @types/node`, () => {
        const result = typeCheck(compiler, 'consumer.ts', { target: 'ES2020', lib: ['ES2020'], types: [], module, moduleResolution });
        assert.equal(result.status, 0, result.output);
      });
    }
  }

  test('with the DOM lib, a run signal is a DOM AbortSignal (fetch takes it) and await using works', () => {
    const result = typeCheck(CURRENT, 'dom.ts', { target: 'ES2022', lib: ['ES2022', 'DOM', 'ESNext.Disposable'], types: [], module: 'esnext', moduleResolution: 'bundler' });
    assert.equal(result.status, 0, result.output);
  });

  test('with @types/node instead of DOM, the same', () => {
    const result = typeCheck(CURRENT, 'dom.ts', {
      target: 'ES2022',
      lib: ['ES2022', 'ESNext.Disposable'],
      types: ['node'],
      typeRoots: [join(RUNTIME_DIR, '..', 'node_modules', '@types')],
      module: 'node16',
      moduleResolution: 'node16',
    });
    assert.equal(result.status, 0, result.output);
  });

  test("importing the runtime adds no globals: DisposableStack stays unknown where the consumer's lib lacks it", () => {
    const result = typeCheck(CURRENT, 'no-disposable-leak.ts', { target: 'ES2022', lib: ['ES2022'], types: [], module: 'esnext', moduleResolution: 'bundler' });
    assert.equal(result.status, 2, result.output);
    assert.match(result.output, /no-disposable-leak\.ts\(3,\d+\): error TS2304: Cannot find name 'DisposableStack'/);
    assert.equal(result.output.trim().split('\n').length, 1, result.output);
  });
});

describe('emitted JavaScript', () => {
  test('uses ES2018 syntax only (no ?., ??, #private, class fields, static blocks, optional catch binding, logical assignment)', () => {
    const ts = require('typescript');
    const found = [];
    const jsFiles = (dir) =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? jsFiles(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []));
    for (const file of jsFiles(join(RUNTIME_DIR, 'dist'))) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node) => {
        const kind = ts.SyntaxKind;
        const problem =
          (node.questionDotToken && '?.') ||
          (ts.isBinaryExpression(node) &&
            { [kind.QuestionQuestionToken]: '??', [kind.QuestionQuestionEqualsToken]: '??=', [kind.BarBarEqualsToken]: '||=', [kind.AmpersandAmpersandEqualsToken]: '&&=' }[node.operatorToken.kind]) ||
          (ts.isPrivateIdentifier(node) && '#private') ||
          (ts.isPropertyDeclaration(node) && 'class field') ||
          (ts.isClassStaticBlockDeclaration(node) && 'static block') ||
          (ts.isCatchClause(node) && node.variableDeclaration === undefined && 'catch without binding') ||
          (ts.isNumericLiteral(node) && node.getText().includes('_') && 'numeric separator') ||
          (node.kind === kind.BigIntLiteral && 'bigint');
        if (problem) found.push(`${file.slice(RUNTIME_DIR.length)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${problem}`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(found, []);
  });
});

describe('bundles', () => {
  const esbuild = require('esbuild');
  const bundle = async (contents, options = {}) => {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: RUNTIME_DIR, sourcefile: 'entry.mjs' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      ...options,
    });
    return result.outputFiles[0].text;
  };

  test('import { track } does not pull in supervise (sideEffects: false reaches the nested dist package.json)', async () => {
    const code = await bundle("import { track } from '@leakfix/runtime'; track(Promise.resolve(), 'x');");
    assert.doesNotMatch(code, /run failed|leakfixRun\$/);
    assert.match(code, /tracked promise rejected/);
  });

  test('a browser production bundle (NODE_ENV defined by the bundler, no process at run time) records no creation sites', async () => {
    const code = await bundle(
      "import { defaultGroup, track } from '@leakfix/runtime'; track(new Promise(() => {}), 'pending'); globalThis.report(defaultGroup().pending()[0].createdAt);",
      { define: { 'process.env.NODE_ENV': '"production"' } },
    );
    const result = await runChild(`
      const realProcess = globalThis.process;
      Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
      globalThis.report = (site) => realProcess.stdout.write(site);
      await import('data:text/javascript,' + encodeURIComponent(${JSON.stringify(code)}));
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /creation sites are off/);
  });

  test('without the define, a browser (no process) records them', async () => {
    const code = await bundle("import { defaultGroup, track } from '@leakfix/runtime'; track(new Promise(() => {}), 'pending'); globalThis.report(defaultGroup().pending()[0].createdAt);");
    const result = await runChild(`
      const realProcess = globalThis.process;
      Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
      globalThis.report = (site) => realProcess.stdout.write(site);
      await import('data:text/javascript,' + encodeURIComponent(${JSON.stringify(code)}));
    `);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /creation sites are off/);
  });
});

describe('bundle budget', () => {
  test('each entry point, minified and gzipped, stays within the README budget', async () => {
    const { BUDGET, bundleSizes } = await import('../bench/bundle-sizes.mjs');
    const sizes = await bundleSizes();
    const over = Object.entries(sizes).filter(([name, size]) => size.gzipped > BUDGET[name]).map(([name, size]) => `${name}: ${size.gzipped} B > ${BUDGET[name]} B`);
    assert.deepEqual(over, []);
  });
});
