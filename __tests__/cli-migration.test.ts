/**
 * The migration-PR workflow (issue 16), through the real CLI in throw-away git repositories with the
 * test-only rules (test-rename: leakyCall() → safeCall(), spread arguments refused):
 * --split-by / --out-dir / --max-files, merge of --shard reports, -i through a real pseudo-terminal
 * (util-linux `script`), the PR body limit, scoped ignores, the familiar aliases and the polish list.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI } from './helpers/paths';
import { RENAME_RULE_MODULE, TEST_RULE_MODULES, commitAll, git, leakfix, readTree, removeSandboxes, sandbox, writeFiles } from './transforms/sandbox';

after(removeSandboxes);

function expectNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `stack trace in: ${stderr}`);
}

/** A monorepo: two packages, a CODEOWNERS file, files at several depths. */
const MONOREPO: Record<string, string> = {
  '.github/CODEOWNERS': ['# owners', '*       @org/core', '/packages/api/ @org/api @bob', 'packages/web/src/legacy/*', '*.mjs @org/esm', ''].join('\n'),
  'package.json': JSON.stringify({ name: 'root', private: true }),
  'packages/api/package.json': JSON.stringify({ name: 'api', dependencies: { '@leakfix/runtime': '^0.1.0' } }),
  'packages/web/package.json': JSON.stringify({ name: 'web' }),
  'packages/api/src/server.js': 'leakyCall(1);\nleakyCall(...args);\n',
  'packages/api/src/jobs/queue.js': 'leakyCall(2);\nleakyCall(3);\n',
  'packages/web/src/app.js': 'leakyCall(4);\n',
  'packages/web/src/legacy/old.js': 'leakyCall(5);\n',
  'packages/web/src/legacy/deep/older.js': 'leakyCall(6);\n',
  'packages/web/src/esm.mjs': 'leakyCall(7);\n',
  'scripts/build.js': 'leakyCall(8);\n',
  'tool.js': 'leakyCall(9);\n',
  'clean.js': 'export const x = 1;\n',
};

function listOut(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

describe('leakfix migration workflow', { concurrency: 2 }, () => {
  describe('--split-by', { concurrency: 2 }, () => {
    test('codeowners: last match wins, unowned files form their own group, every changed file is in exactly one patch', async () => {
      const dir = sandbox(MONOREPO, { git: true });
      const before = readTree(dir);
      const result = await leakfix(dir, ['transform', '--split-by', 'codeowners', '--out-dir', 'prs']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /4 groups written to prs/);
      const out = path.join(dir, 'prs');
      assert.deepEqual(listOut(out), ['README.md', ...['org-api-bob', 'org-core', 'org-esm', 'unowned'].flatMap((id) => [`${id}.json`, `${id}.md`, `${id}.patch`])].sort());
      // Sources are never written by a split.
      const after = readTree(dir);
      for (const [name, bytes] of Object.entries(before)) assert.deepEqual(after[name], bytes, name);

      const patchFiles = (id: string): string[] => [...fs.readFileSync(path.join(out, `${id}.patch`), 'utf8').matchAll(/^diff --git a\/(\S+) /gm)].map((m) => m[1]);
      assert.deepEqual(patchFiles('org-api-bob'), ['packages/api/src/jobs/queue.js', 'packages/api/src/server.js']);
      assert.deepEqual(patchFiles('org-esm'), ['packages/web/src/esm.mjs']);
      // `packages/web/src/legacy/*` (no owners) matches direct children only: deep/older.js keeps `*`.
      assert.deepEqual(patchFiles('unowned'), ['packages/web/src/legacy/old.js']);
      assert.deepEqual(patchFiles('org-core'), ['packages/web/src/app.js', 'packages/web/src/legacy/deep/older.js', 'scripts/build.js', 'tool.js']);
      const all = ['org-api-bob', 'org-core', 'org-esm', 'unowned'].flatMap(patchFiles).sort();
      assert.equal(new Set(all).size, all.length, 'no file in two groups');
      assert.equal(all.length, 8);

      const index = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
      assert.match(index, /4 groups, 8 changed files, 9 sites, split by CODEOWNERS \(`\.github\/CODEOWNERS`, last match wins\)/);
      assert.match(index, /\| `org-api-bob` \| Owned by @org\/api, @bob \| @org\/api @bob \| 2 \| 3 \| \[patch\]\(org-api-bob\.patch\)/);
      assert.match(index, /\| `unowned` \| Files with no owner in CODEOWNERS \| — \| 1 \| 1 \|/);
      const body = fs.readFileSync(path.join(out, 'org-api-bob.md'), 'utf8');
      assert.match(body, /^## Fix resource leaks: Owned by @org\/api, @bob\n\nOwned by @org\/api, @bob: 2 files\.\nOwners \(CODEOWNERS\): @org\/api @bob\n/);
      assert.match(body, /`packages\/api\/src\/server\.js:2` \| `test-rename` \| `leaky-call` \| `spread-args`/);
      const json = JSON.parse(fs.readFileSync(path.join(out, 'org-api-bob.json'), 'utf8')) as { group: { owners: string[] }; files: Array<{ path: string }> };
      assert.deepEqual(json.group.owners, ['@org/api', '@bob']);
      assert.deepEqual(json.files.map((f) => f.path), ['packages/api/src/jobs/queue.js', 'packages/api/src/server.js']);

      // All patches together, applied from the root, give exactly what write mode gives.
      const written = sandbox(MONOREPO, { git: true });
      assert.equal((await leakfix(written, ['transform', '-q'])).code, 0);
      for (const id of ['org-api-bob', 'org-core', 'org-esm', 'unowned']) git(dir, ['apply', path.join(out, `${id}.patch`)]);
      fs.rmSync(out, { recursive: true });
      assert.deepEqual(readTree(dir), readTree(written));
    });

    test('the split is deterministic, package and directory:N group by path, --max-files cuts groups, from a subdirectory patches still apply at the root', async () => {
      const dir = sandbox(MONOREPO, { git: true });
      const first = await leakfix(dir, ['transform', '--split-by', 'package', '--out-dir', 'a']);
      const second = await leakfix(dir, ['transform', '--split-by', 'package', '--out-dir', 'b']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(second.code, 0);
      const a = readTree(path.join(dir, 'a'));
      const b = readTree(path.join(dir, 'b'));
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
      const stable = (bytes: Buffer): string => bytes.toString().replace(/"durationMs": [\d.]+/g, '');
      for (const name of Object.keys(a)) assert.equal(stable(a[name]), stable(b[name]), name);
      assert.deepEqual(Object.keys(a).filter((n) => n.endsWith('.patch')).sort(), ['packages-api.patch', 'packages-web.patch', 'root.patch']);
      assert.match(a['root.patch'].toString(), /a\/scripts\/build\.js[\s\S]*a\/tool\.js/);

      const depth = await leakfix(dir, ['transform', '--split-by', 'directory:2', '--out-dir', 'd', '--max-files', '2']);
      assert.equal(depth.code, 0, depth.stderr);
      const d = listOut(path.join(dir, 'd')).filter((n) => n.endsWith('.patch'));
      assert.deepEqual(d, ['packages-api.patch', 'packages-web-1-of-2.patch', 'packages-web-2-of-2.patch', 'root.patch', 'scripts.patch']);
      const index = fs.readFileSync(path.join(dir, 'd', 'README.md'), 'utf8');
      assert.match(index, /\| `packages-web-1-of-2` \| Directory `packages\/web\/` \(part 1 of 2\) \| — \| 2 \|/);
      assert.match(index, /at most 2 files per group/);

      // Run from packages/web: paths in the patches are still relative to the repository root.
      const sub = await leakfix(path.join(dir, 'packages/web'), ['transform', '--split-by', 'directory:1', '--out-dir', '../../sub']);
      assert.equal(sub.code, 0, sub.stderr);
      const patch = fs.readFileSync(path.join(dir, 'sub', 'packages.patch'), 'utf8');
      assert.match(patch, /^diff --git a\/packages\/web\/src\/app\.js b\/packages\/web\/src\/app\.js$/m);
      fs.rmSync(path.join(dir, 'a'), { recursive: true });
      fs.rmSync(path.join(dir, 'b'), { recursive: true });
      fs.rmSync(path.join(dir, 'd'), { recursive: true });
      git(dir, ['apply', '--check', path.join(dir, 'sub', 'packages.patch')]);
    });

    test('usage errors: no --out-dir, a bad --split-by, no CODEOWNERS, --max-files without a split', async () => {
      const dir = sandbox({ 'a.js': 'leakyCall(1);\n' }, { git: true });
      const cases: Array<[string[], RegExp]> = [
        [['--split-by', 'package'], /--split-by needs --out-dir/],
        [['--split-by', 'team', '--out-dir', 'x'], /--split-by: expected package, directory:N or codeowners, got "team"/],
        [['--split-by', 'codeowners', '--out-dir', 'x'], /no CODEOWNERS file/],
        [['--max-files', '3'], /--max-files is for --split-by/],
        [['--split-by', 'package', '--out-dir', 'x', '-i'], /--interactive and --split-by cannot be combined/],
      ];
      for (const [args, message] of cases) {
        const result = await leakfix(dir, ['transform', ...args]);
        assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      }
      assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'leakyCall(1);\n');
    });
  });

  describe('merge', { concurrency: 2 }, () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 16; i++) files[`src/mod${i}/file${i}.js`] = i % 5 === 0 ? 'export const x = 1;\n' : `leakyCall(${i});\nleakyCall(...rest${i});\n`;
    files['src/broken.js'] = 'leakyCall(;\n';

    const withoutDurations = (text: string): unknown => JSON.parse(text, (key, value: unknown) => (key === 'durationMs' ? 0 : value));

    test('four shards merged give the single run\'s patch and PR body byte for byte, and its JSON report', async () => {
      const dir = sandbox(files, { git: true });
      const single = {
        patch: await leakfix(dir, ['transform', '--dry']),
        markdown: await leakfix(dir, ['transform', '--dry', '--format', 'markdown']),
        json: await leakfix(dir, ['transform', '--dry', '--format', 'json']),
      };
      assert.equal(single.patch.code, 2, 'one file does not parse');
      for (let i = 1; i <= 4; i++) {
        const shard = await leakfix(dir, ['transform', '--dry', '--shard', `${i}/4`, '--format', 'json', '-o', `shards/shard-${i}.json`, '-q']);
        assert.ok(shard.code === 0 || shard.code === 2, shard.stderr);
      }
      const reports = [1, 2, 3, 4].map((i) => `shards/shard-${i}.json`);
      const sizes = reports.map((r) => (JSON.parse(fs.readFileSync(path.join(dir, r), 'utf8')) as { files: unknown[] }).files.length);
      assert.ok(sizes.every((n) => n > 0), `every shard has files: ${sizes.join(', ')}`);

      const patch = await leakfix(dir, ['merge', ...[...reports].reverse()]);
      assert.equal(patch.code, 0, patch.stderr);
      assert.ok(single.patch.stdout.length > 500);
      assert.equal(patch.stdout, single.patch.stdout);
      const markdown = await leakfix(dir, ['merge', ...reports, '--format', 'markdown']);
      assert.equal(markdown.stdout, single.markdown.stdout);
      const json = await leakfix(dir, ['merge', ...reports, '--format', 'json']);
      assert.deepEqual(withoutDurations(json.stdout), withoutDurations(single.json.stdout));

      const outDir = await leakfix(dir, ['merge', ...reports, '--out-dir', 'merged']);
      assert.equal(outDir.code, 0, outDir.stderr);
      assert.equal(fs.readFileSync(path.join(dir, 'merged/fix.patch'), 'utf8'), single.patch.stdout);
      assert.equal(fs.readFileSync(path.join(dir, 'merged/pr.md'), 'utf8'), single.markdown.stdout);
      const split = await leakfix(dir, ['merge', ...reports, '--split-by', 'directory:2', '--out-dir', 'split']);
      assert.equal(split.code, 0, split.stderr);
      assert.ok(fs.existsSync(path.join(dir, 'split/src-mod1.patch')));
    });

    test('a missing or repeated shard, a non-report and an audit report are usage errors', async () => {
      const dir = sandbox(files, { git: true });
      for (let i = 1; i <= 2; i++) await leakfix(dir, ['transform', '--dry', '--shard', `${i}/3`, '--format', 'json', '-o', `s${i}.json`, '-q']);
      await leakfix(dir, ['audit', '--format', 'json', '-o', 'audit.json', '-q']);
      writeFiles(dir, { 'not.json': '{"hello": 1}' });
      const cases: Array<[string[], RegExp]> = [
        [['s1.json', 's2.json'], /shard 3\/3 missing/],
        [['s1.json', 's1.json'], /a shard is given twice|is in both/],
        [['not.json'], /not a leakfix JSON report/],
        [['audit.json'], /not a leakfix JSON report|audit report/],
        [['nope.json'], /cannot read nope\.json/],
      ];
      for (const [args, message] of cases) {
        const result = await leakfix(dir, ['merge', ...args]);
        assert.equal(result.code, 3, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split('\n').length, 1);
        expectNoStack(result.stderr);
      }
    });
  });

  describe('--interactive through a pseudo-terminal (util-linux script)', { concurrency: 1 }, () => {
    const PROMPT = /Apply this change \[y,n,a,q,\?\]\? /g;

    /** Runs `leakfix transform -i` under `script`, typing one key per prompt. */
    function interactive(cwd: string, keys: string[], extra: string[] = []): Promise<{ code: number | null; output: string }> {
      const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
      const command = [process.execPath, CLI, 'transform', '-i', '--no-color', ...extra].map(quote).join(' ');
      const env: NodeJS.ProcessEnv = { ...process.env, LEAKFIX_RULE_MODULES: TEST_RULE_MODULES.join(path.delimiter), TERM: 'dumb' };
      delete env.CI;
      return new Promise((resolve, reject) => {
        const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let output = '';
        let answered = 0;
        const queue = [...keys];
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const prompts = output.match(PROMPT)?.length ?? 0;
          while (answered < prompts) {
            answered++;
            const key = queue.shift();
            if (key === undefined) {
              child.kill('SIGKILL');
              reject(new Error(`more prompts than keys:\n${output}`));
              return;
            }
            child.stdin.write(key);
          }
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          child.stdin.destroy();
          resolve({ code, output: output.replace(/\r\n/g, '\n') });
        });
      });
    }

    const FILES = {
      'a.js': 'leakyCall(1);\nconst keep = 1;\nleakyCall(2);\nleakyCall(...x);\nleakyCall(3);\n',
      'b.js': 'leakyCall(4);\nleakyCall(5);\n',
      'c.js': 'leakyCall(6);\n',
    };

    test('script from util-linux is installed (.ci/run installs it where missing)', () => {
      assert.equal(spawnSync('script', ['--version'], { encoding: 'utf8' }).status, 0);
    });

    test('y / n per site: only accepted sites are written, and the file is what that subset produces', async () => {
      const dir = sandbox(FILES, { git: true });
      const result = await interactive(dir, ['y', 'n', 'y', 'n', '?', 'y', 'n']);
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /3 files would change/);
      assert.match(result.output, /a\.js:1:1 test-rename\/leaky-call \(file 1\/3, change 1\/3\)\nleakyCall\(\) becomes safeCall\(\)\ndiff --git a\/a\.js b\/a\.js\n--- a\/a\.js\n\+\+\+ b\/a\.js\n@@ -1,4 \+1,4 @@\n-leakyCall\(1\);\n\+safeCall\(1\);/);
      assert.match(result.output, /\?\ny - apply this change\nn - leave this site as it is/);
      assert.match(result.output, /3 changes of 6 accepted, 2 files written/);
      const tree = readTree(dir);
      assert.equal(tree['a.js'].toString(), 'safeCall(1);\nconst keep = 1;\nleakyCall(2);\nleakyCall(...x);\nsafeCall(3);\n');
      assert.equal(tree['b.js'].toString(), 'leakyCall(4);\nsafeCall(5);\n');
      assert.equal(tree['c.js'].toString(), 'leakyCall(6);\n');
      // A later full run finishes the rest: the accepted subset is a prefix of the same migration.
      assert.equal((await leakfix(dir, ['transform', '-q', '--allow-dirty'])).code, 0);
      const full = sandbox(FILES);
      await leakfix(full, ['transform', '-q']);
      assert.deepEqual(readTree(dir), readTree(full));
    });

    test('a applies the rest of the file, q stops and keeps what was accepted, a dirty file is refused', async () => {
      const dir = sandbox(FILES, { git: true });
      const result = await interactive(dir, ['n', 'a', 'y', 'q']);
      assert.equal(result.code, 0, result.output);
      const tree = readTree(dir);
      assert.equal(tree['a.js'].toString(), 'leakyCall(1);\nconst keep = 1;\nsafeCall(2);\nleakyCall(...x);\nsafeCall(3);\n');
      assert.equal(tree['b.js'].toString(), 'safeCall(4);\nleakyCall(5);\n');
      assert.equal(tree['c.js'].toString(), 'leakyCall(6);\n');
      assert.match(result.output, /3 changes of \d accepted, 2 files written/);

      const dirty = await interactive(dir, []);
      assert.equal(dirty.code, 3, dirty.output);
      assert.match(dirty.output, /refusing to write: 2 files that would change have uncommitted changes/);
    });

    test('without a terminal, -i is a usage error', async () => {
      const dir = sandbox(FILES, { git: true });
      const result = await leakfix(dir, ['transform', '-i']);
      assert.equal(result.code, 3);
      assert.match(result.stderr, /--interactive needs a terminal/);
      assert.deepEqual(readTree(dir), readTree(sandbox(FILES)));
    });
  });

  test('the PR body of thousands of sites stays under 65,536 characters, with collapsed, cut lists', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) {
      files[`packages/pkg${i % 30}/src/deeply/nested/module-with-a-long-name-${i}.js`] = `${'leakyCall(1);\nleakyCall(...a);\nleakyCall(2);\nleakyCall(3);\nleakyCall(4);\n'.repeat(2)}`;
    }
    const dir = sandbox(files, { git: true });
    const result = await leakfix(dir, ['transform', '--dry', '--format', 'markdown'], { timeoutMs: 300_000 });
    assert.equal(result.code, 0, result.stderr);
    const body = result.stdout;
    assert.ok(body.length <= 65_536, `body is ${body.length} characters`);
    assert.ok(body.length > 20_000, 'the limit is used, not an empty body');
    assert.match(body, /It would change 400 files: 3200 sites to fix, 800 sites left for a human decision\./);
    assert.match(body, /<details><summary>3200 sites to fix in 400 files<\/summary>/);
    assert.match(body, /<details><summary>800 sites in 400 files<\/summary>/);
    assert.match(body, /- …and \d+ more \(run `leakfix audit`\)/);
    assert.match(body, /\| `test-rename` \| Renames leakyCall\(\) to safeCall\(\) \(test-only\)\. \| 3200 \| 400 \| 800 \|/);
    assert.doesNotMatch(body, /test-throws|test-hang/, 'transforms with nothing to report get no row');
    assert.match(body, /- \[ \] \*\*Decide 800 sites by hand\*\*[^\n]*\n {2}- `test-rename` `spread-args` \(800\): Calls with spread arguments are left alone\./);
    assert.doesNotMatch(body, /sites fixed|It changes|Sites fixed/, 'dry-run wording only');

    // Written, the body says "changes" / "fixed".
    const small = sandbox({ 'a.js': 'leakyCall(1);\n' }, { git: true });
    const written = await leakfix(small, ['transform', '--format', 'markdown']);
    assert.match(written.stdout, /It changes 1 file: 1 site fixed,/);
    assert.match(written.stdout, /\| Transform \| What it does \| Sites fixed \|/);
  });

  test('the PR body says which package.json needs the runtime and where shutdown is wired', async () => {
    const dir = sandbox(
      {
        'package.json': JSON.stringify({ name: 'root', dependencies: { '@leakfix/runtime': '^0.1.0' } }),
        'packages/web/package.json': JSON.stringify({ name: 'web' }),
        'src/a.mjs': 'leakyCall(1);\n',
        'packages/web/b.mjs': 'leakyCall(2);\n',
        'leakfix.config.json': JSON.stringify({ options: { 'test-rename': { viaRuntime: true } } }),
      },
      { git: true },
    );
    const before = await leakfix(dir, ['transform', '--dry', '--format', 'markdown']);
    assert.match(before.stdout, /- \[ \] \*\*Runtime dependency\.\*\* 2 files would import `@leakfix\/runtime`; it must be a dependency of each package that contains them:\n {2}- `package\.json` \(1 file\): declared \(dependencies: `\^0\.1\.0`\)\n {2}- `packages\/web\/package\.json` \(1 file\): \*\*not declared yet\*\*: add `"@leakfix\/runtime"` to `dependencies`/);
    assert.match(before.stdout, /\*\*Shutdown\.\*\* [^\n]*No file imports it yet: call `handleShutdownSignals\(\)` once at startup/);
    // The package.json edit leaves the lockfile behind: the PR body says so.
    assert.match(before.stdout, /Run `npm install` \(or your package manager's install\) after applying, and commit the lockfile/);
    writeFiles(dir, { 'src/main.mjs': "import { handleShutdownSignals } from '@leakfix/runtime';\nhandleShutdownSignals();\n" });
    commitAll(dir);
    const wired = await leakfix(dir, ['transform', '--dry', '--format', 'markdown']);
    assert.match(wired.stdout, /\*\*Shutdown\.\*\* [^\n]*It is wired in:\n {2}- `src\/main\.mjs`/);
  });

  describe('suppression', { concurrency: 2 }, () => {
    test('leakfix-ignore scoped to transforms, -next-line, bare; --report-unused-ignores exits 1 under --check', async () => {
      const dir = sandbox(
        {
          'a.js': [
            '// leakfix-ignore test-rename -- the scheduler owns it',
            'leakyCall(1);',
            '// leakfix-ignore test-throws, test-hang -- not this transform',
            'leakyCall(2);',
            'leakyCall(3); // leakfix-ignore-next-line test-rename',
            'leakyCall(4);',
            '// leakfix-ignore: legacy bare form',
            'leakyCall(5);',
            '// leakfix-ignore no-such-transform -- typo',
            'leakyCall(6);',
            '// leakfix-ignore -- nothing here',
            'const quiet = 1;',
            '',
          ].join('\n'),
          'plain.js': '// leakfix-ignore\nexport const x = 1;\n',
        },
        { git: true },
      );
      const result = await leakfix(dir, ['transform', '--dry', '-t', 'test-rename', '--format', 'json']);
      const report = JSON.parse(result.stdout) as { files: Array<{ path: string; findings: Array<{ start: { line: number }; status: string }> }> };
      const statuses = report.files.find((f) => f.path === 'a.js')!.findings.map((f) => `${f.start.line}:${f.status}`);
      assert.deepEqual(statuses, ['2:ignored', '4:fixed', '5:fixed', '6:ignored', '8:ignored', '10:fixed']);

      const check = await leakfix(dir, ['transform', '--check', '-t', 'test-rename', '--report-unused-ignores']);
      assert.equal(check.code, 1, check.stderr);
      const unused = check.stderr.split('\n').filter((l) => l.includes('unused ignore comment'));
      assert.deepEqual(unused, [
        'leakfix: a.js:9: unused ignore comment `leakfix-ignore no-such-transform -- typo` (unknown transform no-such-transform)',
        'leakfix: a.js:11: unused ignore comment `leakfix-ignore -- nothing here`',
        'leakfix: plain.js:1: unused ignore comment `leakfix-ignore`',
      ]);
      // test-throws and test-hang did not run (-t): their ignore comment is not judged.
      assert.doesNotMatch(check.stderr, /a\.js:3:/);
      const used = sandbox({ 'b.js': '// leakfix-ignore test-rename\nleakyCall(1);\n' }, { git: true });
      assert.equal((await leakfix(used, ['transform', '--check', '--report-unused-ignores'])).code, 0);
      // Nothing would change: the unused comment alone fails --check, and only when asked.
      const stale = sandbox({ 'c.js': 'safeCall(1); // leakfix-ignore-next-line\nexport {};\n' }, { git: true });
      const staleCheck = await leakfix(stale, ['transform', '--check', '--report-unused-ignores']);
      assert.equal(staleCheck.code, 1, staleCheck.stderr);
      assert.match(staleCheck.stderr, /^leakfix: c\.js:1: unused ignore comment `leakfix-ignore-next-line`$/m);
      assert.equal((await leakfix(stale, ['transform', '--check'])).code, 0);
      const markdown = await leakfix(dir, ['transform', '--dry', '-t', 'test-rename', '--report-unused-ignores', '--format', 'markdown']);
      assert.match(markdown.stdout, /### Unused ignore comments[\s\S]*- `a\.js:9` `leakfix-ignore no-such-transform -- typo`/);
    });
  });

  describe('familiar flags', { concurrency: 2 }, () => {
    test('-d, --cpus, --ignore-pattern and --option work as their long forms', async () => {
      const dir = sandbox({ 'a.js': 'leakyCall(1);\n', 'gen/b.js': 'leakyCall(2);\n' }, { git: true });
      const short = await leakfix(dir, ['transform', '-d', '--cpus', '1', '--ignore-pattern', 'gen/**', '--option', 'test-rename.target=otherCall']);
      assert.equal(short.code, 0, short.stderr);
      assert.match(short.stdout, /^\+otherCall\(1\);$/m);
      assert.doesNotMatch(short.stdout, /gen\/b\.js/);
      assert.match(short.stderr, /1 worker\)/);
      const bad = await leakfix(dir, ['transform', '-d', '--option', 'test-rename.viaRuntime=maybe']);
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /--option test-rename\.viaRuntime=maybe: expected true or false/);
      const unknown = await leakfix(dir, ['transform', '-d', '--option', 'test-rename.nope=1']);
      assert.match(unknown.stderr, /unknown option of test-rename \(valid: target, viaRuntime\)/);
    });

    test('-p prints one file transformed; --stdin --stdin-filename reads stdin; neither writes', async () => {
      const dir = sandbox({ 'src/a.ts': 'const n: number = 1;\nleakyCall(n);\n', 'leakfix.config.json': JSON.stringify({ options: { 'test-rename': { target: 'cfgCall' } } }) }, { git: true });
      const printed = await leakfix(dir, ['transform', '-p', 'src/a.ts']);
      assert.equal(printed.code, 0, printed.stderr);
      assert.equal(printed.stdout, 'const n: number = 1;\ncfgCall(n);\n');
      assert.equal(fs.readFileSync(path.join(dir, 'src/a.ts'), 'utf8'), 'const n: number = 1;\nleakyCall(n);\n');
      const stdin = await leakfix(dir, ['transform', '--stdin', '--stdin-filename', 'src/new.ts'], { input: 'let x: string = "";\nleakyCall(x);\n' });
      assert.equal(stdin.code, 0, stdin.stderr);
      assert.equal(stdin.stdout, 'let x: string = "";\ncfgCall(x);\n');
      assert.equal(fs.existsSync(path.join(dir, 'src/new.ts')), false);
      const untouched = await leakfix(dir, ['transform', '--stdin', '--stdin-filename', 'x.js'], { input: 'export const y = 2;\n' });
      assert.equal(untouched.stdout, 'export const y = 2;\n');
      const broken = await leakfix(dir, ['transform', '--stdin', '--stdin-filename', 'x.js'], { input: 'leakyCall(;\n' });
      assert.equal(broken.code, 2);
      assert.equal(broken.stdout, 'leakyCall(;\n', 'the source comes back unchanged');
      assert.match(broken.stderr, /^leakfix: x\.js: parse-error: /);
      assert.equal((await leakfix(dir, ['transform', '--stdin'])).code, 3);
      assert.match((await leakfix(dir, ['transform', '-p', 'src'])).stderr, /--print: not a file: src/);
      assert.match((await leakfix(dir, ['transform', '-p'])).stderr, /--print takes exactly one file/);
    });
  });

  describe('polish', { concurrency: 2 }, () => {
    test('-o into a missing folder creates it; an unwritable -o fails before any source is written', async () => {
      const dir = sandbox({ 'a.js': 'leakyCall(1);\n' }, { git: true });
      const made = await leakfix(dir, ['transform', '--format', 'markdown', '-o', 'reports/new/pr.md']);
      assert.equal(made.code, 0, made.stderr);
      assert.match(fs.readFileSync(path.join(dir, 'reports/new/pr.md'), 'utf8'), /^## Fix resource leaks/);
      assert.equal(fs.readFileSync(path.join(dir, 'a.js'), 'utf8'), 'safeCall(1);\n');

      const other = sandbox({ 'a.js': 'leakyCall(1);\n', 'blocker': 'a file, not a folder\n' }, { git: true });
      const refused = await leakfix(other, ['transform', '--format', 'markdown', '-o', 'blocker/pr.md']);
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, /^leakfix: --output blocker\/pr\.md: cannot create or write the folder/);
      assert.equal(fs.readFileSync(path.join(other, 'a.js'), 'utf8'), 'leakyCall(1);\n', 'no source written');
    });

    test('audit | head -1 ends quietly; audit and transform --check put the gate before parse errors', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 60; i++) files[`f${i}.js`] = 'leakyCall(1);\n'.repeat(40);
      const dir = sandbox(files, { git: true });
      const env = { ...process.env, LEAKFIX_RULE_MODULES: RENAME_RULE_MODULE, CI: '1' };
      // 2,400 report lines: far more than a pipe holds, so writes go on after head has exited.
      const piped = spawnSync('sh', ['-c', `'${process.execPath}' '${CLI}' audit -j 0 | head -1`], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(piped.stdout.split('\n').filter(Boolean).length, 1);
      assert.equal(piped.stderr.includes('EPIPE'), false, piped.stderr);
      expectNoStack(piped.stderr);

      const small = sandbox({ 'broken.js': 'leakyCall(;\n', 'a.js': 'leakyCall(1);\n' }, { git: true });
      const rename = { ruleModules: [RENAME_RULE_MODULE] };
      assert.equal((await leakfix(small, ['transform', '--check', '-q'], rename)).code, 1);
      assert.equal((await leakfix(small, ['audit', '--fail-on', 'red', '-q'], rename)).code, 1);
      writeFiles(small, { 'a.js': 'safeCall(1);\n' });
      assert.equal((await leakfix(small, ['transform', '--check', '-q'], rename)).code, 2);
      assert.equal((await leakfix(small, ['audit', '--fail-on', 'red', '-q'], rename)).code, 2);
    });

    test('an unknown command names the commands; a repeated-looking unknown flag is listed once', async () => {
      const dir = sandbox({});
      const command = await leakfix(dir, ['tranform']);
      assert.equal(command.code, 3);
      assert.equal(command.stderr, 'leakfix: unknown command "tranform" (valid: transform, audit, merge, list; see leakfix --help)\n');
      const flag = await leakfix(dir, ['transform', '--foo-bar']);
      assert.equal(flag.stderr, 'leakfix: unknown option --foo-bar (see leakfix transform --help)\n');
      const choice = await leakfix(dir, ['transform', '--parser', 'x']);
      assert.equal(choice.stderr.trim().split('\n').length, 1);
    });

    test('one-line warnings: writing outside a git repository, replacing a read-only file', async () => {
      const dir = sandbox({ 'a.js': 'leakyCall(1);\n', 'b.js': 'leakyCall(2);\n' });
      fs.chmodSync(path.join(dir, 'b.js'), 0o444);
      const result = await leakfix(dir, ['transform']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^leakfix: warning: wrote 2 files outside a git repository: no dirty-tree guard, and no git history to review or undo the changes$/m);
      assert.match(result.stderr, /^leakfix: warning: replaced 1 read-only file \(b\.js\)$/m);
      assert.equal(fs.readFileSync(path.join(dir, 'b.js'), 'utf8'), 'safeCall(2);\n');
      assert.equal(fs.statSync(path.join(dir, 'b.js')).mode & 0o777, 0o444);
      const inGit = sandbox({ 'a.js': 'leakyCall(1);\n' }, { git: true });
      assert.doesNotMatch((await leakfix(inGit, ['transform'])).stderr, /warning/);
    });

    test('--update-baseline writes the baseline and says so, without printing the report', async () => {
      const dir = sandbox({ 'a.js': 'leakyCall(1);\n' }, { git: true });
      const result = await leakfix(dir, ['audit', '--baseline', 'base.json', '--update-baseline']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /Baseline written: 1 accepted finding in base\.json/);
      assert.ok(fs.existsSync(path.join(dir, 'base.json')));
    });

    test('the audit progress bar is erased before the report (on a terminal)', () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 60; i++) files[`f${i}.js`] = 'leakyCall(1);\n';
      const dir = sandbox(files, { git: true });
      const env: NodeJS.ProcessEnv = { ...process.env, LEAKFIX_RULE_MODULES: RENAME_RULE_MODULE, TERM: 'xterm', NO_COLOR: '1' };
      delete env.CI;
      const run = spawnSync('script', ['-qfec', `'${process.execPath}' '${CLI}' audit -j 1`, '/dev/null'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout);
      const out = run.stdout.replace(/\r\n/g, '\n');
      const lastBar = out.lastIndexOf('leakfix audit [');
      assert.ok(lastBar >= 0, `the bar was drawn: ${JSON.stringify(out.slice(0, 300))}`);
      const rest = out.slice(lastBar);
      const erased = rest.indexOf('\r\x1b[K');
      assert.ok(erased >= 0 && erased < rest.indexOf('\n'), `the bar is erased before the report's first line: ${JSON.stringify(rest.slice(0, 300))}`);
      assert.match(out, /f\d+\.js/, 'the report follows');
    });
  });
});
