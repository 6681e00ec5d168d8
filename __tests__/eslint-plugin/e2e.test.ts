/**
 * End to end, as a project uses the plugin: a temporary project with an `eslint.config.js` that
 * loads eslint-plugin-leakfix, ESLint 9's own CLI (`npx eslint`), leaky files of every kind
 * (the repository's examples and every default-option fixture input). `eslint .` reports what
 * `leakfix audit --format json` reports, `eslint --fix .` writes what `leakfix transform` writes,
 * and an editor-style `--stdin --stdin-filename` run reports and fixes the same.
 */
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RULES } from '../../transforms';
import { fixtureCases } from '../helpers/fixtures';
import { CLI, REPO_ROOT } from '../helpers/paths';

const CONFIG = `const leakfix = require('eslint-plugin-leakfix');
const tsParser = require('@typescript-eslint/parser');

module.exports = [
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
  { files: ['**/*.{js,jsx,mjs,cjs}'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
  { files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], ...leakfix.configs.strict, settings: { leakfix: { fixRuntime: true } } },
];
`;

/** The project's own copies of the packages a user installs, linked from this repository. */
function linkPackages(project: string): void {
  const modules = path.join(project, 'node_modules');
  fs.mkdirSync(path.join(modules, '.bin'), { recursive: true });
  fs.mkdirSync(path.join(modules, '@typescript-eslint'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'plugins', 'eslint-plugin-leakfix'), path.join(modules, 'eslint-plugin-leakfix'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'eslint'), path.join(modules, 'eslint'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', '@typescript-eslint', 'parser'), path.join(modules, '@typescript-eslint', 'parser'));
  fs.symlinkSync(path.join('..', 'eslint', 'bin', 'eslint.js'), path.join(modules, '.bin', 'eslint'));
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

interface EslintResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; messageId?: string; line: number; column: number; message: string; fatal?: boolean }>;
  output?: string;
}

function eslint(project: string, args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['--no-install', 'eslint', ...args], { cwd: project, encoding: 'utf8', input, env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `file line:column transform/pattern reason` for each leak-prone site. */
function lintSites(project: string, results: readonly EslintResult[]): string[] {
  return results
    .flatMap((r) =>
      // Fixtures name other plugins' rules in disable comments: ESLint's notes on those are not findings.
      r.messages.filter((m) => m.fatal || m.ruleId?.startsWith('leakfix/')).map((m) => {
        assert.ok(!m.fatal, `ESLint could not parse ${r.filePath}: ${m.message}`);
        const reason = /left for a human: ([a-z0-9-]+)/.exec(m.message)?.[1];
        return `${path.relative(project, r.filePath)} ${m.line}:${m.column} ${m.ruleId!.slice('leakfix/'.length)}/${m.messageId}${reason ? ` ${reason}` : ''}`;
      }),
    )
    .sort();
}

function auditSites(project: string): string[] {
  const out = execFileSync(process.execPath, [CLI, 'audit', '--format', 'json', 'src'], { cwd: project, encoding: 'utf8' });
  const report = JSON.parse(out) as { sites: Array<{ path: string; transform: string; pattern: string; grade: string; disposition: string; reason?: string; line: number; column: number }> };
  return report.sites
    .filter((s) => s.grade !== 'green' && s.disposition !== 'ignored' && s.disposition !== 'managed')
    .map((s) => `${s.path} ${s.line}:${s.column} ${s.transform}/${s.pattern}${s.disposition === 'manual' && s.reason ? ` ${s.reason}` : ''}`)
    .sort();
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('eslint-plugin-leakfix end to end (npx eslint in a project)', () => {
  let project: string;

  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'leakfix-eslint-'));
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "lint-demo", "private": true }\n');
    fs.writeFileSync(path.join(project, 'eslint.config.js'), CONFIG);
    linkPackages(project);
    copyTree(path.join(REPO_ROOT, 'examples'), path.join(project, 'src', 'examples'));
    fs.rmSync(path.join(project, 'src', 'examples', 'README.md'));
    // Every fixture input that runs with default options, under a plain source name.
    for (const rule of RULES) {
      for (const fixture of fixtureCases(rule.meta.name)) {
        if (Object.keys(fixture.options).length > 0 || fixture.runtimeImport || !fixture.filePath.startsWith('src/')) continue;
        // Sloppy-mode syntax (`with`): ESLint parses .js as a module here, as most projects configure it.
        if (/^\s*with \(/m.test(fixture.input)) continue;
        // `import ... assert { }` (the deprecated spelling) is leakfix's to parse, not espree's.
        if (/^import [^\n]* assert \{/m.test(fixture.input)) continue;
        // Not under a `fixtures/` folder: that would make them fixture files, which neither leakfix nor the plugin reads.
        const target = path.join(project, 'src', 'cases', rule.meta.name, path.basename(fixture.filePath));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, fixture.input);
      }
    }
  });

  it('eslint . reports exactly the sites leakfix audit grades RED or YELLOW', () => {
    const run = eslint(project, ['-f', 'json', 'src']);
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    const results = JSON.parse(run.stdout) as EslintResult[];
    const lint = lintSites(project, results);
    assert.ok(lint.length > 100, `expected many findings, got ${lint.length}`);
    assert.deepEqual(lint, auditSites(project));
  });

  it('eslint --fix . writes the files leakfix transform writes', () => {
    const viaTransform = fs.mkdtempSync(path.join(os.tmpdir(), 'leakfix-eslint-transform-'));
    copyTree(path.join(project, 'src'), path.join(viaTransform, 'src'));
    // The same package around the files, so both runs see the same file context.
    fs.copyFileSync(path.join(project, 'package.json'), path.join(viaTransform, 'package.json'));
    execFileSync(process.execPath, [CLI, 'transform', '--allow-dirty', '--quiet', '--no-add-dependency', 'src'], { cwd: viaTransform, encoding: 'utf8' });

    const before = Object.fromEntries(filesUnder(path.join(project, 'src')).map((f) => [f, fs.readFileSync(path.join(project, 'src', f), 'utf8')]));
    const run = eslint(project, ['--fix', 'src']);
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    let changed = 0;
    for (const file of filesUnder(path.join(project, 'src'))) {
      const fixed = fs.readFileSync(path.join(project, 'src', file), 'utf8');
      if (fixed !== before[file]) changed++;
      assert.equal(fixed, fs.readFileSync(path.join(viaTransform, 'src', file), 'utf8'), `${file}: eslint --fix and leakfix transform differ`);
    }
    assert.ok(changed > 30, `expected many fixed files, got ${changed}`);
  });

  it('works editor-style: --stdin --stdin-filename reports and fixes one buffer', () => {
    const file = path.join('src', 'service', 'metrics-reporter.ts');
    const source = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'service', 'metrics-reporter.ts'), 'utf8');
    const report = eslint(project, ['-f', 'json', '--stdin', '--stdin-filename', file], source);
    const [result] = JSON.parse(report.stdout) as EslintResult[];
    assert.deepEqual(
      result.messages.map((m) => `${m.ruleId} ${m.messageId}`),
      ['leakfix/supervise-intervals interval-dropped-handle'],
    );
    const fixed = eslint(project, ['-f', 'json', '--fix-dry-run', '--stdin', '--stdin-filename', file], source);
    const [fixedResult] = JSON.parse(fixed.stdout) as EslintResult[];
    assert.match(fixedResult.output ?? '', /supervise\('startMetrics'/);
    assert.match(fixedResult.output ?? '', /import \{ supervise \} from '@leakfix\/runtime';/);
  });
});
