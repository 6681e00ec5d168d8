/**
 * What `npm pack` would publish, for both packages: only what a user needs (compiled code, types,
 * the docs the README and the CLI link to, README, LICENSE), the manifests publishable as they are,
 * and both packages on one version. The tarballs themselves are exercised in package.e2e.test.ts.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sh } from './helpers/npm';
import { REPO_ROOT } from './helpers/paths';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  main?: string;
  types?: string;
  files?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  publishConfig?: { access?: string };
  exports?: Record<string, Record<string, Record<string, string>>>;
  [key: string]: unknown;
}

const read = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
const RUNTIME_DIR = path.join(REPO_ROOT, 'runtime');

/** The files `npm pack` would put in the tarball (the tree is built by `npm test` first). */
function packedFiles(dir: string): string[] {
  const result = sh('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], dir);
  assert.equal(result.status, 0, result.stderr);
  const [info] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
  return info!.files.map((f) => f.path).sort();
}

/** Relative links (markdown `](target)`) of a shipped markdown file, resolved to package paths. */
function relativeLinks(file: string): string[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const links: string[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!.split('#')[0]!;
    if (!target.endsWith('.md') || /^[a-z]+:/i.test(target)) continue;
    links.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), target)));
  }
  return links;
}

describe('the leakfix package', () => {
  const manifest = read(REPO_ROOT);
  const files = packedFiles(REPO_ROOT);

  test('is publishable: not private, builds on prepack (not prepare), metadata, engines, bin', () => {
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.scripts?.prepare, undefined, 'a prepare script runs (and warns) on every consumer install');
    assert.match(manifest.scripts?.prepack ?? '', /npm run build/);
    for (const key of ['repository', 'bugs', 'homepage', 'keywords', 'engines', 'license']) assert.ok(manifest[key], key);
    assert.deepEqual(Object.keys(manifest.bin ?? {}), ['leakfix']);
    const bin = fs.readFileSync(path.join(REPO_ROOT, manifest.bin!.leakfix!), 'utf8');
    assert.ok(bin.startsWith('#!/usr/bin/env node\n'), 'the compiled bin starts with a shebang (npx runs it)');
  });

  test('typescript is an optional peer dependency (only --typed loads it), still a devDependency', () => {
    assert.equal(manifest.dependencies?.typescript, undefined);
    assert.ok(manifest.peerDependencies?.typescript);
    assert.equal(manifest.peerDependenciesMeta?.typescript?.optional, true);
    assert.ok(manifest.devDependencies?.typescript);
  });

  test('ships only compiled code, types, docs, README and LICENSE', () => {
    const allowed = /^(dist\/index\.(js|d\.ts)|dist\/(bin|lib|transforms)\/.+\.(js|d\.ts)|docs\/.+\.md|README\.md|LICENSE|package\.json)$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    for (const required of [manifest.bin!.leakfix!, manifest.main!, manifest.types!, 'dist/lib/runner/worker.js', 'LICENSE', 'README.md']) {
      assert.ok(files.includes(required.replace(/^\.\//, '')), `${required} is shipped`);
    }
    for (const name of fs.readdirSync(path.join(REPO_ROOT, 'transforms')).filter((f) => f.endsWith('.ts'))) {
      assert.ok(files.includes(`dist/transforms/${name.replace(/\.ts$/, '.js')}`), `transform ${name} is shipped for jscodeshift -t`);
    }
  });

  test('every doc the README, the docs and the CLI link to is shipped', () => {
    const docs = files.filter((f) => f.endsWith('.md'));
    const linked = new Set<string>();
    for (const doc of docs) for (const link of relativeLinks(doc)) if (link.startsWith('docs/')) linked.add(link);
    const bin = fs.readFileSync(path.join(REPO_ROOT, 'bin', 'leakfix.ts'), 'utf8');
    for (const match of bin.matchAll(/docs\/[\w/-]+\.md/g)) linked.add(match[0]);
    assert.ok(linked.size >= 5, [...linked].join(', '));
    for (const link of linked) assert.ok(files.includes(link), `${link} is linked but not shipped`);
  });
});

describe('the @leakfix/runtime package', () => {
  const manifest = read(RUNTIME_DIR);
  const files = packedFiles(RUNTIME_DIR);

  test('is publishable: public scoped package, builds on prepack, metadata, engines, no dependencies', () => {
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.publishConfig?.access, 'public');
    assert.match(manifest.scripts?.prepack ?? '', /npm run build/);
    for (const key of ['repository', 'bugs', 'homepage', 'keywords', 'engines', 'license']) assert.ok(manifest[key], key);
    assert.equal(manifest.dependencies, undefined, 'the runtime stays dependency-free');
  });

  test('ships the ESM and CJS builds with their types, README and LICENSE, nothing else', () => {
    const allowed = /^(dist\/(esm|cjs)\/.+\.(js|d\.ts)|dist\/(esm|cjs)\/package\.json|README\.md|LICENSE|package\.json)$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    // Export targets are strings at any depth of condition objects (`"./package.json": "./package.json"` too).
    const targets = (entry: unknown): string[] => (typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, unknown>).flatMap(targets));
    for (const target of targets(manifest.exports ?? {})) {
      assert.ok(files.includes(target.replace(/^\.\//, '')), `export target ${target} is shipped`);
    }
  });
});

test('both packages share one version and the CLI declares that runtime (scripts/check-versions.mjs)', () => {
  const cli = read(REPO_ROOT);
  const runtime = read(RUNTIME_DIR);
  assert.equal(runtime.version, cli.version);
  assert.equal(cli.peerDependencies?.['@leakfix/runtime'], `^${cli.version}`);
  assert.equal(cli.peerDependenciesMeta?.['@leakfix/runtime']?.optional, true);
  const check = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'check-versions.mjs')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});
