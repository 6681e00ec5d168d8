/**
 * Where a file runs (lib/context), end to end: the real CLI with the built-in transforms in
 * throw-away repositories shaped like the real ones of issue 17 (test layouts, "type": "module",
 * classic browser scripts, bin scripts, published libraries, source under node_modules, the
 * package.json dependency, git apply from a subfolder). Rewritten code is run where it runs.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, leakfix, readTree, removeSandboxes, sandbox } from './transforms/sandbox';
import { CLI, REPO_ROOT } from './helpers/paths';

after(removeSandboxes);

const FLOATING = 'async function save() {\n  throw new Error("save failed");\n}\n\nfunction start() {\n  save();\n}\n\nmodule.exports = { start };\n';
const real = { ruleModules: null } as const;

interface JsonOut {
  files: Array<{ path: string; status: string; reason?: string; context?: { role: string; roleEvidence: string; moduleKind: string; environment: string; environmentEvidence: string }; findings: Array<{ rule: string; status: string; reason?: string; grade: string; message: string }> }>;
  summary: { skippedAsTests: number; roles: Record<string, number> };
  dependencies: Array<{ manifest?: string; status: string }>;
}

async function json(dir: string, args: string[]): Promise<JsonOut> {
  const result = await leakfix(dir, [...args, '--format', 'json'], real);
  assert.ok(result.code === 0, result.stderr);
  return JSON.parse(result.stdout) as JsonOut;
}

function fileOf(out: JsonOut, file: string): JsonOut['files'][number] {
  const found = out.files.find((f) => f.path === file);
  assert.ok(found, `${file} not in ${out.files.map((f) => f.path).join(', ')}`);
  return found;
}

/** Makes @leakfix/runtime of this workspace loadable from `dir` (as `npm install` would). */
function installRuntime(dir: string): void {
  fs.mkdirSync(path.join(dir, 'node_modules', '@leakfix'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'runtime'), path.join(dir, 'node_modules', '@leakfix', 'runtime'), 'dir');
}

describe('file context in real CLI runs', { concurrency: 2 }, () => {
  test('mocha, jest, node:test, vitest and fixture layouts are skipped and counted; inside test callbacks nothing is tracked', async () => {
    const tests: Record<string, string> = {
      'test/test_queue.js': FLOATING,
      'test/unit/queue_spec.js': FLOATING,
      'src/queue.mocha.js': FLOATING,
      'tests/queue.js': FLOATING,
      'spec/queue.js': FLOATING,
      'e2e/queue.js': FLOATING,
      'cypress/queue.cy.js': FLOATING,
      'src/__tests__/queue.js': FLOATING,
      'src/queue.test.ts': FLOATING,
      '__testfixtures__/queue.js': FLOATING,
      'src/fixtures/queue.js': FLOATING,
      'src/node-test.js': `const test = require('node:test');\n${FLOATING}`,
      'src/uses-vitest.ts': `import { it } from 'vitest';\n${FLOATING}`,
      'checks/queue.js': FLOATING,
      'packages/app-smoke-test/server/index.js': FLOATING,
      'load_tests/queue.js': FLOATING,
    };
    const dir = sandbox({
      'package.json': '{ "name": "svc", "private": true }\n',
      '.mocharc.json': '{ "spec": "checks/**/*.js" }\n',
      'src/app.js': FLOATING,
      ...tests,
    }, { git: true });
    const dry = await leakfix(dir, ['transform', '--dry'], real);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(dry.stdout.match(/^diff --git a\/(\S+)/gm), ['diff --git a/src/app.js'], 'only the application file changes');
    assert.match(dry.stderr, new RegExp(`${Object.keys(tests).length} test files skipped`));
    const out = await json(dir, ['transform', '--dry']);
    for (const file of Object.keys(tests)) assert.match(fileOf(out, file).reason ?? '', /^(test|fixture)-file$/, file);
    assert.equal(fileOf(out, 'checks/queue.js').context?.roleEvidence, 'mocha config .mocharc.json (spec)');

    const callbacks = sandbox({
      'package.json': '{ "name": "svc", "private": true }\n',
      'test/queue.js': 'async function save() {}\n\ndescribe("queue", () => {\n  it("saves", () => {\n    save();\n  });\n});\n\nsave();\n',
    }, { git: true });
    const included = await json(callbacks, ['transform', '--dry', '--include-tests']);
    const findings = fileOf(included, 'test/queue.js').findings.map((f) => [f.status, f.reason]);
    assert.deepEqual(findings, [['refused', 'test-callback'], ['fixed', undefined]]);
  });

  test("coverage and dependency settings in a test config do not make source files tests (bullmq's vitest.config.ts, jest roots)", async () => {
    const vitestConfig = [
      "import { defineConfig } from 'vitest/config';",
      'export default defineConfig({',
      "  optimizeDeps: { include: ['jobs'] },",
      '  test: {',
      "    include: ['checks/**/*.ts'],",
      "    coverage: { provider: 'v8', include: ['src/**/*.ts'], exclude: ['src/enums/*.ts'] },",
      "    benchmark: { include: ['bench/**/*.ts'] },",
      '  },',
      '});',
      '',
    ].join('\n');
    const dir = sandbox({
      'package.json': '{ "name": "queue", "private": true }\n',
      'vitest.config.ts': vitestConfig,
      'jest.config.js': "module.exports = { roots: ['<rootDir>/lib'], testMatch: ['**/*.check.js'] };\n",
      'src/worker.ts': FLOATING,
      'jobs/retry.ts': FLOATING,
      'bench/worker.ts': FLOATING,
      'lib/queue.js': FLOATING,
      'checks/worker.ts': FLOATING,
      'lib/queue.check.js': FLOATING,
    }, { git: true });
    const out = await json(dir, ['transform', '--dry']);
    for (const file of ['src/worker.ts', 'jobs/retry.ts', 'bench/worker.ts', 'lib/queue.js']) {
      assert.equal(fileOf(out, file).status, 'changed', `${file}: ${fileOf(out, file).context?.role} (${fileOf(out, file).context?.roleEvidence})`);
    }
    assert.equal(fileOf(out, 'checks/worker.ts').context?.roleEvidence, 'vitest config vitest.config.ts (test.include)');
    assert.equal(fileOf(out, 'lib/queue.check.js').context?.roleEvidence, 'jest config jest.config.js (testMatch)');

    // Configs a text scan misreads: quotes and braces in comments, escapes, regexes, a named config.
    const configs = [
      "export default { test: {\n  coverage: {\n    // don't measure checks\n    include: ['src/**'] },\n  include: ['checks/**/*.ts'],\n} };\n",
      "export default { test: { coverage: { exclude: ['src/it\\'s/**'], include: ['src/**'] }, include: ['checks/**/*.ts'] } };\n",
      "export default { test: { deps: { inline: [/\\{/] }, include: ['checks/**/*.ts'] } };\n",
      "// output '}' goes to coverage/\nconst testConfig = { include: ['checks/**/*.ts'] };\nexport default defineConfig({ test: testConfig, coverage: { include: ['src/**'] } });\n",
    ];
    for (const config of configs) {
      const variant = sandbox({ 'package.json': '{ "name": "queue", "private": true }\n', 'vitest.config.ts': config, 'src/worker.ts': FLOATING, 'checks/worker.ts': FLOATING }, { git: true });
      const result = await json(variant, ['transform', '--dry']);
      assert.equal(fileOf(result, 'checks/worker.ts').status, 'skipped', config);
      assert.equal(fileOf(result, 'src/worker.ts').status, 'changed', config);
    }
    // A jest root of its own holds tests and their helpers; a source root does not make the source tests.
    const roots = sandbox({
      'package.json': '{ "name": "api", "private": true, "jest": { "roots": ["<rootDir>/src", "<rootDir>/integration"] } }\n',
      'src/worker.js': FLOATING,
      'integration/helpers/server.js': FLOATING,
    }, { git: true });
    const rooted = await json(roots, ['transform', '--dry']);
    assert.equal(fileOf(rooted, 'src/worker.js').status, 'changed');
    assert.equal(fileOf(rooted, 'integration/helpers/server.js').context?.roleEvidence, 'package.json jest.roots');
  });

  test('a "type": "module" package gets import (never require), and package.json gains the runtime; the code then runs', async () => {
    const pkg = '{\n  "name": "esm-app",\n  "private": true,\n  "type": "module",\n  "dependencies": {\n    "zod": "^3.0.0"\n  }\n}\n';
    const dir = sandbox({
      'package.json': pkg,
      'src/worker.js': 'async function refresh() {\n  throw new Error("refresh failed");\n}\n\nfunction start() {\n  refresh();\n}\n\nstart();\nsetTimeout(() => console.log("still running"), 20);\n',
    }, { git: true });
    const dry = await leakfix(dir, ['transform', '--dry'], real);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^\+import \{ track \} from "@leakfix\/runtime";$/m);
    assert.doesNotMatch(dry.stdout, /require\(/);
    assert.match(dry.stdout, /^diff --git a\/package\.json b\/package\.json\n[\s\S]*^\+    "@leakfix\/runtime": "\^\d+\.\d+\.\d+",\n     "zod"/m);

    const before = spawnSync(process.execPath, ['src/worker.js'], { cwd: dir, encoding: 'utf8' });
    assert.equal(before.status, 1, 'the unhandled rejection crashes the original');
    const written = await leakfix(dir, ['transform'], real);
    assert.equal(written.code, 0, written.stderr);
    const manifest = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    assert.equal(manifest, pkg.replace('"dependencies": {\n', `"dependencies": {\n    "@leakfix/runtime": "${JSON.parse(manifest).dependencies['@leakfix/runtime']}",\n`));
    installRuntime(dir);
    const after = spawnSync(process.execPath, ['src/worker.js'], { cwd: dir, encoding: 'utf8' });
    assert.equal(after.status, 0, after.stderr);
    assert.match(after.stdout, /still running/);
    assert.match(after.stderr + after.stdout, /refresh failed/, 'the tracked rejection is logged');
  });

  test('a classic browser script and a concatenated pair are untouched', async () => {
    const script = 'async function load() {}\n\nfunction start() {\n  load();\n  setInterval(function () { load(); }, 1000);\n}\n';
    const dir = sandbox({
      'package.json': '{ "name": "site", "private": true }\n',
      'index.html': '<!doctype html>\n<script src="js/page.js"></script>\n<script type="module" src="js/app.js"></script>\n',
      'js/page.js': script,
      'js/app.js': `${script}export { start };\n`,
      'Gruntfile.js': "module.exports = (grunt) => grunt.initConfig({ concat: { dist: { src: ['src/one.js', 'src/two.js'], dest: 'dist/all.js' } } });\n",
      'src/one.js': script,
      'src/two.js': script,
    }, { git: true });
    const out = await json(dir, ['transform', '--dry']);
    for (const file of ['js/page.js', 'src/one.js', 'src/two.js']) {
      const record = fileOf(out, file);
      assert.equal(record.status, 'unchanged', file);
      assert.equal(record.context?.role, 'browser-script', file);
      assert.ok(record.findings.length > 0 && record.findings.every((f) => f.status !== 'fixed'), file);
      assert.ok(record.findings.some((f) => f.reason === 'no-module-system'), file);
    }
    assert.equal(fileOf(out, 'js/app.js').status, 'changed', 'a module script can import');
  });

  test("a bin script's main() is untouched (GREEN, the process's lifetime) and still exits 1 on failure", async () => {
    const cli = '#!/usr/bin/env node\nasync function main() {\n  throw new Error("build failed");\n}\n\nmain();\n';
    const dir = sandbox({
      'package.json': '{ "name": "tool", "private": true, "bin": { "tool": "./bin/tool.js" }, "scripts": { "build": "node tasks/build.js" } }\n',
      'bin/tool.js': cli,
      'tasks/build.js': cli.replace('#!/usr/bin/env node\n', ''),
      '.github/workflows/ci.yml': 'jobs:\n  x:\n    steps:\n      - run: node ci/close.js ${{ secrets.TOKEN }}\n',
      'ci/close.js': '(async () => {\n  await Promise.resolve();\n  throw new Error("close failed");\n})();\n',
    }, { git: true });
    const out = await json(dir, ['transform', '--dry']);
    for (const [file, evidence] of [['bin/tool.js', 'package.json bin'], ['tasks/build.js', 'package.json script "build"'], ['ci/close.js', 'run by the CI workflow .github/workflows/ci.yml']]) {
      const record = fileOf(out, file);
      assert.equal(record.status, 'unchanged', file);
      assert.equal(record.context?.roleEvidence, evidence);
      const [finding] = record.findings;
      assert.deepEqual([finding.rule, finding.status, finding.grade], ['promise-process-lifetime', 'ok', 'green'], file);
      assert.match(finding.message, /process\.exitCode = 1/);
    }
    await leakfix(dir, ['transform'], real);
    for (const file of ['bin/tool.js', 'tasks/build.js', 'ci/close.js']) {
      const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
      assert.equal(run.status, 1, `${file} must still fail the process`);
    }
  });

  test('a published library refuses runtime fixes; runtime-free fixes still apply; --runtime-in-libraries allows them', async () => {
    const dir = sandbox({
      'package.json': '{\n  "name": "cache-lib",\n  "version": "1.0.0",\n  "main": "src/index.js"\n}\n',
      'src/index.js': FLOATING,
      'src/pool.js': 'async function query(pool) {\n  const client = await pool.connect();\n  const rows = await client.query("select 1");\n  client.release();\n  return rows;\n}\n\nmodule.exports = { query };\n',
    }, { git: true });
    const out = await json(dir, ['transform', '--dry']);
    assert.equal(fileOf(out, 'src/index.js').status, 'unchanged');
    assert.equal(fileOf(out, 'src/index.js').findings[0].reason, 'runtime-in-library');
    assert.equal(fileOf(out, 'src/pool.js').status, 'changed', 'cleanup-to-finally needs no runtime');
    assert.deepEqual(out.dependencies, []);
    const allowed = await json(dir, ['transform', '--dry', '--runtime-in-libraries']);
    assert.equal(fileOf(allowed, 'src/index.js').status, 'changed');
    assert.deepEqual(allowed.dependencies.map((d) => [d.manifest, d.status]), [['package.json', 'would-add']]);
    const summary = await leakfix(dir, ['transform', '--dry', '--runtime-in-libraries'], real);
    assert.match(summary.stderr, /would add "@leakfix\/runtime"[^\n]*\n {2}then run npm install[^\n]*npm ci fails until it does/, 'the lockfile is the user\'s to update');
    const optOut = await json(dir, ['transform', '--dry', '--runtime-in-libraries', '--no-add-dependency']);
    assert.deepEqual(optOut.dependencies.map((d) => [d.manifest, d.status]), [['package.json', 'not-added']]);
  });

  test('browser code refuses runtime fixes, server code of the same package is tracked, examples are skipped; --runtime-in-browser allows them', async () => {
    const browserFloating = 'import { useEffect } from "react";\n\nasync function load() {\n  throw new Error("load failed");\n}\n\nexport function App() {\n  useEffect(() => {\n    load();\n  }, []);\n  return null;\n}\n';
    const dir = sandbox({
      'package.json': '{\n  "name": "wiki",\n  "private": true,\n  "dependencies": {\n    "koa": "^2.0.0",\n    "react-dom": "^18.0.0"\n  }\n}\n',
      'app/App.tsx': browserFloating,
      'public/src/modules/alerts.js': 'async function update() {}\n\nexport function alert() {\n  update();\n}\n',
      'server/jobs.js': FLOATING,
      'examples/embed/index.js': FLOATING,
      'extra/push-examples/fetch/index.js': FLOATING,
    }, { git: true });
    const out = await json(dir, ['transform', '--dry']);
    for (const [file, evidence] of [['app/App.tsx', 'imports react'], ['public/src/modules/alerts.js', 'folder public/']]) {
      const record = fileOf(out, file);
      assert.equal(record.status, 'unchanged', file);
      assert.deepEqual([record.context?.environment, record.context?.environmentEvidence], ['browser', evidence], file);
      assert.deepEqual(record.findings.map((f) => [f.status, f.reason]), [['refused', 'runtime-in-browser']], file);
    }
    const server = fileOf(out, 'server/jobs.js');
    assert.equal(server.status, 'changed');
    assert.equal(server.context?.environment, 'node');
    for (const file of ['examples/embed/index.js', 'extra/push-examples/fetch/index.js']) {
      assert.deepEqual([fileOf(out, file).reason, fileOf(out, file).context?.role], ['example-file', 'example'], file);
    }
    const allowed = await json(dir, ['transform', '--dry', '--runtime-in-browser']);
    assert.equal(fileOf(allowed, 'app/App.tsx').status, 'changed');
    assert.equal(fileOf(allowed, 'public/src/modules/alerts.js').status, 'changed');
    const withExamples = await json(dir, ['transform', '--dry', '--include-tests']);
    assert.equal(fileOf(withExamples, 'examples/embed/index.js').status, 'changed');
  });

  test("a package whose program handles unhandled rejections itself is not tracked (failures-handled-globally); its test files' handlers do not count", async () => {
    const dir = sandbox({
      'package.json': '{\n  "name": "monorepo",\n  "private": true,\n  "workspaces": ["services/*"]\n}\n',
      'services/kuma/package.json': '{\n  "name": "kuma",\n  "private": true\n}\n',
      'services/kuma/server/server.js': 'const handler = (error) => console.error(error);\nprocess.addListener("unhandledRejection", handler);\n',
      'services/kuma/server/jobs.js': FLOATING,
      'services/api/package.json': '{\n  "name": "api",\n  "private": true\n}\n',
      'services/api/test/setup.js': 'process.on("unhandledRejection", () => {});\n',
      'services/api/src/jobs.js': FLOATING,
    }, { git: true });
    const out = await json(dir, ['transform', '--dry', '--no-add-dependency']);
    const kuma = fileOf(out, 'services/kuma/server/jobs.js');
    assert.equal(kuma.status, 'unchanged');
    assert.deepEqual(kuma.findings.map((f) => [f.status, f.reason, f.grade]), [['refused', 'failures-handled-globally', 'yellow']]);
    assert.match(kuma.findings[0].message, /server\/server\.js handles process 'unhandledRejection'/);
    assert.equal(fileOf(out, 'services/api/src/jobs.js').status, 'changed', 'a handler in a test file says nothing about the program');
  });

  test('--stdin and -p treat the file as a run would: its package, its role, --exclude', async () => {
    const dir = sandbox({
      'package.json': '{\n  "name": "desktop",\n  "private": true,\n  "workspaces": ["packages/*"]\n}\n',
      'packages/app/package.json': '{\n  "name": "app",\n  "private": true,\n  "devDependencies": {\n    "electron": "^30.0.0"\n  }\n}\n',
      'packages/app/src/main.js': FLOATING,
      'packages/server/package.json': '{\n  "name": "server",\n  "private": true\n}\n',
      'packages/server/src/jobs.js': FLOATING,
      'packages/server/vitest.config.ts': "export default { test: { include: ['checks/**/*.js'] } };\n",
    }, { git: true });
    const stdin = (file: string, extra: string[] = []) => leakfix(dir, ['transform', '--stdin', '--stdin-filename', file, '--no-add-dependency', ...extra], { ...real, input: FLOATING });
    const electron = await stdin('packages/app/src/main.js');
    assert.equal(electron.code, 0, electron.stderr);
    assert.equal(electron.stdout, FLOATING, 'an Electron package is left alone, as in a run (failures-handled-globally)');
    const server = await stdin('packages/server/src/jobs.js');
    assert.match(server.stdout, /track\(save\(\), "start:save"\)/, 'a plain Node package is tracked');
    const check = await stdin('packages/server/checks/queue.js');
    assert.equal(check.stdout, FLOATING, 'a test file by the package\'s vitest config');
    assert.match(check.stderr, /skipped \(test-file\)/);
    const excluded = await stdin('packages/server/src/jobs.js', ['--exclude', '**/jobs.js']);
    assert.equal(excluded.stdout, FLOATING);
    assert.match(excluded.stderr, /packages\/server\/src\/jobs\.js: skipped \(excluded\)/);
    const printed = await leakfix(dir, ['transform', '-p', 'packages/server/src/jobs.js', '--exclude', 'packages/server/**'], real);
    assert.equal(printed.stdout, FLOATING);
    assert.match(printed.stderr, /skipped \(excluded\)/);
    // Bytes that are not UTF-8 (a Latin-1 file) come back as they came, never rewritten.
    const latin1 = Buffer.concat([Buffer.from(FLOATING), Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NO_COLOR: '1' };
    delete env.LEAKFIX_RULE_MODULES;
    const raw = spawnSync(process.execPath, [CLI, 'transform', '--stdin', '--stdin-filename', 'packages/server/src/jobs.js'], { cwd: dir, input: latin1, env });
    assert.equal(raw.status, 0, raw.stderr.toString());
    assert.ok(raw.stdout.equals(latin1), 'the bytes come back unchanged');
    assert.match(raw.stderr.toString(), /skipped \(not-utf8\)/);
  });

  test("an Electron app's promises are not tracked: Electron only warns on an unhandled rejection (insomnia)", async () => {
    const dir = sandbox({
      'package.json': '{\n  "name": "desktop",\n  "private": true,\n  "workspaces": ["packages/*"]\n}\n',
      'packages/app/package.json': '{\n  "name": "app",\n  "private": true,\n  "devDependencies": {\n    "electron": "^30.0.0"\n  }\n}\n',
      'packages/app/src/main/curl.js': FLOATING,
      'packages/server/package.json': '{\n  "name": "server",\n  "private": true\n}\n',
      'packages/server/src/jobs.js': FLOATING,
    }, { git: true });
    const out = await json(dir, ['transform', '--dry', '--no-add-dependency']);
    const electron = fileOf(out, 'packages/app/src/main/curl.js');
    assert.equal(electron.status, 'unchanged');
    assert.deepEqual(electron.findings.map((f) => [f.status, f.reason, f.grade]), [['refused', 'failures-handled-globally', 'yellow']]);
    assert.match(electron.findings[0].message, /depends on electron/);
    assert.equal(fileOf(out, 'packages/server/src/jobs.js').status, 'changed', 'a plain Node package of the same repository is still tracked');
  });

  test('!packages/node_modules in .gitignore is scanned, with a --verbose line', async () => {
    const dir = sandbox({
      '.gitignore': 'node_modules\n!packages/node_modules\n',
      'package.json': '{\n  "name": "mono",\n  "private": true\n}\n',
      'packages/node_modules/core/index.js': FLOATING,
      'node_modules/dep/index.js': FLOATING,
    }, { git: true });
    const result = await leakfix(dir, ['transform', '--dry', '--verbose'], real);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.match(/^diff --git a\/(\S+)/gm), ['diff --git a/packages/node_modules/core/index.js', 'diff --git a/package.json']);
    assert.match(result.stderr, /packages\/node_modules\/: scanned although node_modules\/ is skipped by default, because \.gitignore re-includes it/);
    assert.match(result.stderr, /roles: application 1/);
  });

  test('a --dry patch made from a subfolder applies at the repository root', async () => {
    const dir = sandbox({
      'package.json': '{\n  "name": "svc",\n  "private": true\n}\n',
      'services/api/src/a.js': FLOATING,
      'services/api/src/b.js': FLOATING,
    }, { git: true });
    const result = await leakfix(path.join(dir, 'services', 'api'), ['transform', '--dry'], real);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^diff --git a\/services\/api\/src\/a\.js b\/services\/api\/src\/a\.js$/m);
    assert.doesNotMatch(result.stdout, /\.\.\//);
    git(dir, ['apply', '-'], result.stdout);
    const tree = readTree(dir);
    assert.match(tree['services/api/src/a.js'].toString(), /^const \{ track \} = require\("@leakfix\/runtime"\);\n\nasync function save\(\) \{\n[\s\S]*track\(save\(\), "start:save"\)/);
    assert.match(tree['package.json'].toString(), /"dependencies": \{\n {4}"@leakfix\/runtime"/);
  });
});
