/**
 * The benchmark corpus: real published code, pinned in bench/corpus.json, installed on demand into
 * bench/.corpus/ (gitignored, never committed).
 *
 * Which installed files count (decided once here, reported in BENCHMARKS.md):
 *  - extensions .js .mjs .cjs .ts .tsx, never declarations (.d.ts/.d.mts/.d.cts);
 *  - every package in bench/.corpus/node_modules, nested node_modules included, but a file whose
 *    exact bytes were already taken (the same package version installed twice) is kept once;
 *  - no minified or bundled files: `.min.` names, umd/cdn/bundle paths, webpack/esbuild/parcel
 *    bundle markers, or a mean line length over 250 characters (generated one-liners);
 *  - no file over 1 MiB (data tables, vendored parsers);
 *  - no hidden files or folders (`.bin`, `.cache`, dotfiles), no symlinks.
 *
 * The chosen files are hard-linked into bench/.corpus/tree/, a plain folder with no `node_modules`
 * segment in any path, so every tool (leakfix, jscodeshift, ast-grep) walks exactly the same files
 * without its own default ignores changing the set.
 *
 * Usage: node dist/bench/corpus.js [--force]   (prints the manifest's stats)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../transforms';
import { RuleOptions, optionSpecs, type LeakRule } from '../lib/rule';
import { REPO_ROOT } from './report';

export const BENCH_DIR = path.join(REPO_ROOT, 'bench');
export const CACHE_DIR = path.join(BENCH_DIR, '.corpus');
export const TREE_DIR = path.join(CACHE_DIR, 'tree');
const MANIFEST = path.join(CACHE_DIR, 'manifest.json');
const STAMP = path.join(CACHE_DIR, 'installed.json');

export const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.tsx'] as const;
const DECLARATION = /\.d\.[mc]?ts$/;
const MINIFIED_NAME = /[.-]min\.[mc]?js$/;
const BUNDLE_PATH = /(^|\/)(umd|cdn|bundles?)\/|[.-](umd|bundle)\.[mc]?js$|(^|\/)dist\/umd\.[mc]?js$|(^|\/)cdn\.[mc]?js$/;
/** Webpack's bootstrap comment lines and UMD wrapper, esbuild's CommonJS shim, parcel's loader. */
const BUNDLE_MARKER = /^\/\*{6}\/ |^\(function webpackUniversalModuleDefinition|^var __commonJS = |\bparcelRequire\b/m;
const MAX_BYTES = 1024 * 1024;
const MAX_MEAN_LINE = 250;

export type Exclusion = 'declaration' | 'minified' | 'bundle' | 'too-large' | 'duplicate' | 'hidden';

export interface CorpusStats {
  files: number;
  bytes: number;
  lines: number;
  byExtension: Record<string, number>;
  packages: number;
  excluded: Record<Exclusion, number>;
  /** Files whose text matches each rule's `meta.prefilter` (the rule's trigger words). */
  triggers: Record<string, number>;
  /** Files matching at least one prefilter: the files leakfix parses. */
  anyTrigger: number;
}

export interface CorpusManifest {
  corpusHash: string;
  /** Paths relative to TREE_DIR, sorted. */
  files: string[];
  stats: CorpusStats;
}

interface CorpusSpec {
  packages: Record<string, string>;
}

function readSpec(): { spec: CorpusSpec; hash: string } {
  const text = fs.readFileSync(path.join(BENCH_DIR, 'corpus.json'), 'utf8');
  return { spec: JSON.parse(text) as CorpusSpec, hash: createHash('sha1').update(text).digest('hex').slice(0, 12) };
}

function log(message: string): void {
  process.stderr.write(`[corpus] ${message}\n`);
}

/** Installs the pinned packages unless the cache already holds this exact corpus.json. */
function install(spec: CorpusSpec, hash: string, force: boolean): void {
  if (!force && fs.existsSync(STAMP) && (JSON.parse(fs.readFileSync(STAMP, 'utf8')) as { hash: string }).hash === hash) return;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const manifest = { name: 'leakfix-bench-corpus', private: true, dependencies: spec.packages };
  fs.writeFileSync(path.join(CACHE_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(`installing ${Object.keys(spec.packages).length} packages into ${path.relative(process.cwd(), CACHE_DIR)}/ ...`);
  const result = spawnSync('npm', ['install', '--prefix', CACHE_DIR, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`npm install failed with status ${result.status}`);
  fs.writeFileSync(STAMP, `${JSON.stringify({ hash, at: new Date().toISOString() })}\n`);
}

/** Why a candidate file is left out, or undefined when it belongs to the corpus. */
export function exclusionFor(relPath: string, text: string): Exclusion | undefined {
  if (DECLARATION.test(relPath)) return 'declaration';
  if (MINIFIED_NAME.test(relPath)) return 'minified';
  if (BUNDLE_PATH.test(relPath)) return 'bundle';
  if (Buffer.byteLength(text) > MAX_BYTES) return 'too-large';
  const lines = text.split('\n').length;
  if (text.length > 4096 && text.length / lines > MAX_MEAN_LINE) return 'minified';
  if (BUNDLE_MARKER.test(text.slice(0, 65536))) return 'bundle';
  return undefined;
}

function* walk(dir: string, rel: string): Generator<{ abs: string; rel: string; hidden: boolean }> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) continue;
    const hidden = entry.name.startsWith('.');
    if (entry.isDirectory()) {
      if (hidden) continue;
      yield* walk(abs, relPath);
    } else if (entry.isFile()) {
      yield { abs, rel: relPath, hidden };
    }
  }
}

function hasSourceExtension(name: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** The tree path of an installed file: `node_modules` segments renamed so no tool skips them. */
function treePath(relFromNodeModules: string): string {
  return relFromNodeModules.split('/').map((segment) => (segment === 'node_modules' ? '_nm' : segment)).join('/');
}

function emptyExclusions(): Record<Exclusion, number> {
  return { declaration: 0, minified: 0, bundle: 0, 'too-large': 0, duplicate: 0, hidden: 0 };
}

/** The prefilter the engine uses with default options. */
function prefilterOf(rule: LeakRule): RegExp {
  return rule.meta.prefilterFor?.(new RuleOptions(optionSpecs(rule.meta), {})) ?? rule.meta.prefilter;
}

/** Counts files whose text matches each rule's prefilter (default options; generated and test files included). */
export function triggerCounts(texts: Iterable<string>): { triggers: Record<string, number>; anyTrigger: number } {
  const triggers: Record<string, number> = Object.fromEntries(RULES.map((r) => [r.meta.name, 0]));
  let anyTrigger = 0;
  for (const text of texts) {
    let matched = false;
    for (const rule of RULES) {
      const prefilter = prefilterOf(rule);
      prefilter.lastIndex = 0;
      if (prefilter.test(text)) {
        triggers[rule.meta.name]++;
        matched = true;
      }
    }
    if (matched) anyTrigger++;
  }
  return { triggers, anyTrigger };
}

function buildManifest(hash: string): CorpusManifest {
  const nodeModules = path.join(CACHE_DIR, 'node_modules');
  const excluded = emptyExclusions();
  const seen = new Set<string>();
  const files: string[] = [];
  const byExtension: Record<string, number> = {};
  const packages = new Set<string>();
  let bytes = 0;
  let lines = 0;
  fs.rmSync(TREE_DIR, { recursive: true, force: true });
  const texts: string[] = [];
  for (const file of walk(nodeModules, '')) {
    if (!hasSourceExtension(file.rel)) continue;
    if (file.hidden) {
      excluded.hidden++;
      continue;
    }
    const buffer = fs.readFileSync(file.abs);
    const text = buffer.toString('utf8');
    const reason = exclusionFor(file.rel, text);
    if (reason) {
      excluded[reason]++;
      continue;
    }
    const digest = createHash('sha1').update(buffer).digest('hex');
    if (seen.has(digest)) {
      excluded.duplicate++;
      continue;
    }
    seen.add(digest);
    const rel = treePath(file.rel);
    const target = path.join(TREE_DIR, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.linkSync(file.abs, target);
    files.push(rel);
    texts.push(text);
    bytes += buffer.length;
    lines += text.split('\n').length;
    const ext = path.extname(rel);
    byExtension[ext] = (byExtension[ext] ?? 0) + 1;
    const parts = file.rel.split('/node_modules/').pop()!.split('/');
    packages.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  const { triggers, anyTrigger } = triggerCounts(texts);
  return {
    corpusHash: hash,
    files,
    stats: { files: files.length, bytes, lines, byExtension, packages: packages.size, excluded, triggers, anyTrigger },
  };
}

/** Installs (if needed) and lists the corpus. The manifest is rebuilt when the rules' prefilters change. */
export function loadCorpus(options: { force?: boolean } = {}): CorpusManifest {
  const { spec, hash } = readSpec();
  install(spec, hash, options.force === true);
  if (!options.force && fs.existsSync(MANIFEST) && fs.existsSync(TREE_DIR)) {
    const cached = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as CorpusManifest & { prefilters?: string };
    if (cached.corpusHash === hash && cached.prefilters === prefilterKey()) return cached;
    if (cached.corpusHash === hash) {
      // Only the rules changed: recount triggers on the same files.
      const recount = triggerCounts(cached.files.map((f) => fs.readFileSync(path.join(TREE_DIR, f), 'utf8')));
      const updated = { ...cached, stats: { ...cached.stats, ...recount }, prefilters: prefilterKey() };
      fs.writeFileSync(MANIFEST, JSON.stringify(updated));
      return updated;
    }
  }
  log('building the file list ...');
  const manifest = { ...buildManifest(hash), prefilters: prefilterKey() };
  fs.writeFileSync(MANIFEST, JSON.stringify(manifest));
  return manifest;
}

function prefilterKey(): string {
  return RULES.map((r) => `${r.meta.name}:${prefilterOf(r).source}/${prefilterOf(r).flags}`).join('\n');
}

/** A deterministic slice of the corpus (every k-th file) of about `count` files, for `--quick`. */
export function slice(files: readonly string[], count: number): string[] {
  if (count >= files.length) return [...files];
  const step = files.length / count;
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(files[Math.floor(i * step)]);
  return out;
}

/** A hard-linked copy of a slice of the tree, so directory-walking tools see only the slice. */
export function sliceTree(files: readonly string[]): string {
  const root = path.join(CACHE_DIR, `slice-${files.length}`);
  fs.rmSync(root, { recursive: true, force: true });
  for (const file of files) {
    const target = path.join(root, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.linkSync(path.join(TREE_DIR, file), target);
  }
  return root;
}

if (require.main === module) {
  const manifest = loadCorpus({ force: process.argv.includes('--force') });
  process.stdout.write(`${JSON.stringify(manifest.stats, null, 2)}\n`);
}
