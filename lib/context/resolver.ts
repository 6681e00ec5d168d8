/**
 * The I/O half of lib/context: reads what decides where files run (package.json, tsconfig.json,
 * the repo's test-runner configs, HTML `<script src>` references, build concatenation lists) and
 * caches it per folder, so a run reads each of them once. The runner's workers own one resolver
 * each; the engine never does I/O and gets the resulting FileContext as an argument.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { classifyFile, isTestPath } from './classify';
import type { FileContext, FolderFacts, PackageFacts } from './types';
import type * as t from '@babel/types';
import { walk } from '../analysis/ast';
import { parseForDetection } from '../parsers';

type Json = Record<string, unknown>;

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file: string): Json | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** tsconfig.json allows comments and trailing commas. */
function readJsonc(file: string): Json | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  const stripped = text
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(stripped) as Json;
  } catch {
    return undefined;
  }
}

function exists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function clean(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

function binPaths(bin: unknown, name: string | undefined): string[] {
  if (typeof bin === 'string') return [clean(bin)];
  if (typeof bin === 'object' && bin !== null) return Object.values(bin as Json).filter((v): v is string => typeof v === 'string').map(clean);
  void name;
  return [];
}

export function packageFacts(manifest: string, json: Json, type: 'module' | 'commonjs'): PackageFacts {
  const name = typeof json.name === 'string' ? json.name : undefined;
  const isPrivate = json.private === true || json.private === 'true';
  const main = typeof json.main === 'string' ? json.main : undefined;
  const bin = binPaths(json.bin, name);
  const exportsField = json.exports !== undefined;
  const published = !isPrivate && name !== undefined && (main !== undefined || exportsField || json.module !== undefined || bin.length > 0 || Array.isArray(json.files));
  const dependencies = new Set<string>();
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = json[key];
    if (typeof deps === 'object' && deps !== null) for (const dep of Object.keys(deps)) dependencies.add(dep);
  }
  const scripts: Record<string, string> = {};
  if (typeof json.scripts === 'object' && json.scripts !== null) {
    for (const [key, value] of Object.entries(json.scripts as Json)) if (typeof value === 'string') scripts[key] = value;
  }
  const facts: PackageFacts = {
    manifest,
    private: isPrivate,
    type,
    exports: exportsField,
    bin,
    browser: json.browser !== undefined,
    dependencies: [...dependencies].sort(),
    scripts,
    kind: published ? 'library' : 'application',
  };
  if (name !== undefined) facts.name = name;
  if (main !== undefined) facts.main = main;
  return facts;
}

/** String literals inside the value of `key: ...` in a config file's text (JS, JSON or YAML-ish). */
function valuesOf(text: string, key: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`["']?\\b${key}["']?\\s*[:=]\\s*(\\[[^\\]]*\\]|'[^']*'|"[^"]*"|\`[^\`]*\`|[^\\s,'"\`{}\\[\\]][^\\n,]*)`, 'g');
  for (const match of text.matchAll(re)) {
    const value = match[1];
    const literals = [...value.matchAll(/'([^']*)'|"([^"]*)"|`([^`]*)`/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    if (literals.length > 0) out.push(...literals);
    else if (!value.startsWith('[')) out.push(value.trim());
  }
  return out.filter((v) => v !== '' && !v.includes('${'));
}

/** The name of an object property's key (`include`, `'include'`), if static. */
function propertyName(property: t.ObjectProperty): string | undefined {
  const key = property.key;
  if (key.type === 'Identifier' && !property.computed) return key.name;
  return key.type === 'StringLiteral' ? key.value : undefined;
}

/** String values of an array or string node (`['a', \`b\`]`, `'a'`); template literals without `${}` count. */
function stringValues(node: t.Node): string[] {
  if (node.type === 'StringLiteral') return [node.value];
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return [node.quasis[0].value.cooked ?? ''];
  if (node.type === 'ArrayExpression') return node.elements.flatMap((element) => (element ? stringValues(element) : []));
  return [];
}

/**
 * vitest's test locations: `include` of every `test: {...}` object in the config (projects and
 * workspace entries included), read from its AST, so `coverage.include` (source files) or a
 * quote in a comment never counts. `test: testConfig` follows a top-level `const testConfig = {...}`.
 */
function vitestIncludes(text: string): string[] {
  let file: t.File;
  try {
    file = parseForDetection(text, 'ts');
  } catch {
    return [];
  }
  const objects = new Map<string, t.ObjectExpression>();
  for (const statement of file.program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
    if (declaration?.type !== 'VariableDeclaration') continue;
    for (const declarator of declaration.declarations) {
      if (declarator.id.type === 'Identifier' && declarator.init?.type === 'ObjectExpression') objects.set(declarator.id.name, declarator.init);
    }
  }
  const out: string[] = [];
  walk(file, (node) => {
    if (node.type !== 'ObjectProperty' || propertyName(node) !== 'test') return;
    const value = node.value.type === 'Identifier' ? objects.get(node.value.name) : node.value;
    if (value?.type !== 'ObjectExpression') return;
    for (const property of value.properties) {
      if (property.type === 'ObjectProperty' && propertyName(property) === 'include') out.push(...stringValues(property.value));
    }
  });
  return out.filter((v) => v !== '');
}

/** Folders that hold the code itself, with its tests beside it: a jest root there is not all tests. */
const SOURCE_FOLDERS = new Set(['src', 'lib', 'app', 'source', 'server', 'client', 'packages', 'components', 'pages', '.', '']);

function isSourceFolder(root: string): boolean {
  const folder = root.replace(/^<rootDir>\/?/, '').replace(/^\.\//, '').replace(/\/+$/, '');
  return SOURCE_FOLDERS.has(folder.split('/').pop() ?? '');
}

interface TestConfig {
  tool: string;
  files: readonly string[];
  keys: readonly string[];
  /** Reads the config's test locations from its AST instead of by key (vitest: `test.include`). */
  read?: (text: string) => string[];
}

/**
 * Where test tools say tests are. jest's `roots` names where jest looks for modules and tests: a
 * root of its own (`<rootDir>/integration`) holds tests and their helpers, but a source folder
 * (`roots: ['<rootDir>/src']`, tests beside the code) is not all tests.
 */
const TEST_CONFIGS: readonly TestConfig[] = [
  { tool: 'mocha', files: ['.mocharc.json', '.mocharc.jsonc', '.mocharc.js', '.mocharc.cjs', '.mocharc.yml', '.mocharc.yaml'], keys: ['spec'] },
  { tool: 'jest', files: ['jest.config.js', 'jest.config.ts', 'jest.config.mjs', 'jest.config.cjs', 'jest.config.json'], keys: ['testMatch', 'roots'] },
  { tool: 'vitest', files: ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.js', 'vitest.config.mjs', 'vitest.workspace.ts'], keys: ['test.include'], read: vitestIncludes },
  { tool: 'playwright', files: ['playwright.config.ts', 'playwright.config.js', 'playwright.config.mjs'], keys: ['testDir', 'testMatch'] },
];

interface TestGlob {
  base: string;
  matches(relative: string): boolean;
  evidence: string;
}

/** A configured test location as a glob: a folder (`test`, `./e2e`) means everything under it. */
function testGlob(base: string, value: string, evidence: string): TestGlob | undefined {
  let glob = clean(value).replace(/^<rootDir>\/?/, '');
  if (glob === '' || glob === '.' || glob.startsWith('..') || glob.startsWith('/')) return undefined;
  if (!/[*?{}[\]]/.test(glob) && !/\.[cm]?[jt]sx?$/.test(glob)) glob = `${glob.replace(/\/$/, '')}/**`;
  const match = picomatch(glob, { dot: true, basename: !glob.includes('/') });
  return { base, matches: (relative) => match(relative), evidence };
}

function configuredTests(dir: string): TestGlob[] {
  const globs: TestGlob[] = [];
  for (const config of TEST_CONFIGS) {
    for (const file of config.files) {
      const text = readText(path.join(dir, file));
      if (text === undefined) continue;
      for (const key of config.keys) {
        for (const value of config.read ? config.read(text) : valuesOf(text, key)) {
          if (key === 'roots' && isSourceFolder(value)) continue;
          const glob = testGlob(dir, value, `${config.tool} config ${file} (${key})`);
          if (glob) globs.push(glob);
        }
      }
    }
  }
  const manifest = readJson(path.join(dir, 'package.json'));
  const mocha = manifest?.mocha as Json | undefined;
  const specs = mocha?.spec;
  for (const value of typeof specs === 'string' ? [specs] : Array.isArray(specs) ? specs : []) {
    if (typeof value !== 'string') continue;
    const glob = testGlob(dir, value, 'package.json mocha.spec');
    if (glob) globs.push(glob);
  }
  const jest = manifest?.jest as Json | undefined;
  for (const key of ['testMatch', 'roots']) {
    const values = jest?.[key];
    for (const value of Array.isArray(values) ? values : []) {
      if (typeof value !== 'string' || (key === 'roots' && isSourceFolder(value))) continue;
      const glob = testGlob(dir, value, `package.json jest.${key}`);
      if (glob) globs.push(glob);
    }
  }
  return globs;
}

const WALK_SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', 'out', '.next', 'vendor']);
const WALK_MAX_DEPTH = 4;
const HTML_MAX_FILES = 200;

function htmlFiles(root: string): string[] {
  return filesUnder(root, (name) => /\.html?$/i.test(name), HTML_MAX_FILES);
}

/** Files under `root` whose name passes `wanted`, depth-first, skipping dependency, build, hidden and test folders. */
function filesUnder(root: string, wanted: (name: string) => boolean, maxFiles: number): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > WALK_MAX_DEPTH || found.length >= maxFiles) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!WALK_SKIP.has(entry.name) && !entry.name.startsWith('.')) walk(path.join(dir, entry.name), depth + 1);
      } else if (entry.isFile() && wanted(entry.name)) found.push(path.join(dir, entry.name));
    }
  };
  walk(root, 0);
  return found;
}

const SCRIPT_TAG = /<script\b([^>]*)>/gi;

/** `process.on('unhandledRejection' | 'uncaughtException', ...)` and its addListener/prependListener/once forms. */
const PROCESS_FAILURE_HANDLER = /\bprocess\s*\.\s*(?:on|once|addListener|prependListener)\s*\(\s*['"`](unhandledRejection|uncaughtException)['"`]/;
const PROCESS_HANDLER_MAX_FILES = 20_000;

/**
 * The first non-test source file under `root` that installs a process-wide handler for unhandled
 * rejections or uncaught exceptions, as evidence text; undefined when none does.
 */
function processFailureHandler(root: string): string | undefined {
  const sources = filesUnder(root, (name) => /\.[cm]?[jt]sx?$/.test(name) && !name.endsWith('.d.ts'), PROCESS_HANDLER_MAX_FILES);
  for (const file of sources) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    if (isTestPath(relative)) continue;
    const text = readText(file);
    if (text === undefined || text.length > 2_000_000) continue;
    const match = PROCESS_FAILURE_HANDLER.exec(text);
    if (match) return `${relative} handles process '${match[1]}'`;
  }
  return undefined;
}

/** Classic scripts referenced by the project's HTML files and files concatenated by its build configs. */
function browserReferences(root: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const html of htmlFiles(root)) {
    const text = readText(html) ?? '';
    for (const tag of text.matchAll(SCRIPT_TAG)) {
      const attrs = tag[1];
      if (/\btype\s*=\s*["']?module/i.test(attrs)) continue;
      const src = /\bsrc\s*=\s*["']([^"']+)["']/i.exec(attrs)?.[1];
      if (!src || /^[a-z]+:|^\/\//i.test(src)) continue;
      const cleanSrc = src.split(/[?#]/)[0];
      const evidence = `loaded by <script src> in ${path.relative(root, html).split(path.sep).join('/')}`;
      const candidates = cleanSrc.startsWith('/')
        ? [path.join(root, cleanSrc), path.join(root, 'public', cleanSrc), path.join(root, 'static', cleanSrc), path.join(path.dirname(html), cleanSrc)]
        : [path.resolve(path.dirname(html), cleanSrc)];
      for (const candidate of candidates) refs.set(candidate, evidence);
    }
  }
  for (const config of ['Gruntfile.js', 'gulpfile.js', 'Gulpfile.js', 'gulpfile.mjs']) {
    const text = readText(path.join(root, config));
    if (!text || !/concat|uglify|terser|bundle/i.test(text)) continue;
    for (const literal of text.matchAll(/['"]([^'"\s]+\.js)['"]/g)) {
      refs.set(path.resolve(root, clean(literal[1])), `concatenated by ${config}`);
    }
  }
  return refs;
}

/** Files the repository's CI workflows run with node / tsx / ts-node / bun (paths from the root). */
function ciScripts(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const dir = path.join(root, '.github', 'workflows');
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/\.ya?ml$/.test(entry)) continue;
    const text = readText(path.join(dir, entry)) ?? '';
    for (const match of text.matchAll(/\b(?:node|tsx|ts-node|bun|deno run)\s+(?:--?[\w-]+(?:=\S+)?\s+)*["']?([\w./@-]+\.[cm]?[jt]sx?)\b/g)) {
      found.set(path.resolve(root, clean(match[1])), `run by the CI workflow .github/workflows/${entry}`);
    }
  }
  return found;
}

/** The nearest ancestor of `dir` (itself included) that holds `.git`, or undefined. */
function gitRootOf(dir: string, cache: Map<string, string | undefined>): string | undefined {
  if (cache.has(dir)) return cache.get(dir);
  let root: string | undefined;
  if (fs.existsSync(path.join(dir, '.git'))) root = dir;
  else {
    const parent = path.dirname(dir);
    root = parent === dir ? undefined : gitRootOf(parent, cache);
  }
  cache.set(dir, root);
  return root;
}

/** Reads and caches per folder; one per worker (or per run in the main thread). */
export class ContextResolver {
  private readonly folders = new Map<string, FolderFacts>();
  private readonly gitRoots = new Map<string, string | undefined>();
  private readonly manifests = new Map<string, Json | undefined>();
  private readonly tsconfigs = new Map<string, FolderFacts['tsconfig'] | undefined>();
  private readonly testGlobs = new Map<string, TestGlob[]>();
  private readonly browserRefs = new Map<string, Map<string, string>>();
  private readonly ciRefs = new Map<string, Map<string, string>>();
  private readonly failureHandlers = new Map<string, string | undefined>();

  /** The git root of a folder, or undefined outside a repository. */
  gitRoot(dir: string): string | undefined {
    return gitRootOf(path.resolve(dir), this.gitRoots);
  }

  /** The context of one file (absolute path) with its text. */
  fileContext(absolute: string, text: string): FileContext {
    return classifyFile(absolute, text, this.folder(path.dirname(absolute)));
  }

  folder(dir: string): FolderFacts {
    const cached = this.folders.get(dir);
    if (cached) return cached;
    const facts = this.computeFolder(dir);
    this.folders.set(dir, facts);
    return facts;
  }

  private manifest(file: string): Json | undefined {
    if (!this.manifests.has(file)) this.manifests.set(file, readJson(file));
    return this.manifests.get(file);
  }

  private computeFolder(dir: string): FolderFacts {
    const gitRoot = this.gitRoot(dir);
    const stop = gitRoot ?? path.parse(dir).root;
    let typeOf: 'module' | 'commonjs' | undefined;
    let identity: { file: string; json: Json } | undefined;
    let nearest: { file: string; json: Json } | undefined;
    let tsconfigFile: string | undefined;
    for (let current = dir; ; current = path.dirname(current)) {
      const file = path.join(current, 'package.json');
      const json = path.basename(current) === 'node_modules' ? undefined : this.manifest(file);
      if (json) {
        nearest ??= { file, json };
        typeOf ??= json.type === 'module' ? 'module' : 'commonjs';
        if (!identity && typeof json.name === 'string') identity = { file, json };
      }
      if (!tsconfigFile && exists(path.join(current, 'tsconfig.json'))) tsconfigFile = path.join(current, 'tsconfig.json');
      if (identity || current === stop || path.dirname(current) === current) break;
    }
    const chosen = identity ?? nearest;
    const facts: FolderFacts = {};
    if (nearest && chosen && nearest.file !== chosen.file && typeof nearest.json.scripts === 'object' && nearest.json.scripts !== null) {
      const scripts = Object.fromEntries(Object.entries(nearest.json.scripts as Json).filter((e): e is [string, string] => typeof e[1] === 'string'));
      facts.nearestScripts = { dir: path.dirname(nearest.file), scripts };
    }
    if (chosen) {
      facts.package = packageFacts(chosen.file, chosen.json, typeOf ?? 'commonjs');
      facts.packageDir = path.dirname(chosen.file);
    }
    facts.rootDir = gitRoot ?? facts.packageDir;
    if (!tsconfigFile) {
      for (let current = path.dirname(facts.packageDir ?? dir); current.startsWith(stop) && current !== path.dirname(current); current = path.dirname(current)) {
        if (exists(path.join(current, 'tsconfig.json'))) {
          tsconfigFile = path.join(current, 'tsconfig.json');
          break;
        }
        if (current === stop) break;
      }
    }
    if (tsconfigFile) {
      const tsconfig = this.tsconfig(tsconfigFile, 0);
      if (tsconfig) facts.tsconfig = tsconfig;
    }
    const roots = [...new Set([facts.packageDir, facts.rootDir].filter((d): d is string => d !== undefined))];
    facts.isConfiguredTest = (absolute) => {
      for (const root of roots) {
        for (const glob of this.testGlobsOf(root)) {
          const relative = path.relative(glob.base, absolute).split(path.sep).join('/');
          if (!relative.startsWith('..') && glob.matches(relative)) return glob.evidence;
        }
      }
      return undefined;
    };
    facts.isCiScript = (absolute) => {
      const root = facts.rootDir;
      if (!root) return undefined;
      let refs = this.ciRefs.get(root);
      if (!refs) {
        refs = ciScripts(root);
        this.ciRefs.set(root, refs);
      }
      return refs.get(absolute);
    };
    // Read only when a rule asks (a fix that would track a promise), once per package or project.
    const handlerRoot = facts.packageDir ?? facts.rootDir;
    if (facts.package?.dependencies.includes('electron')) {
      // Electron runs main and renderer with --unhandled-rejections=warn (warn-with-error-code
      // since electron/electron#37464, 2023): an unhandled rejection is logged, never ends the app.
      // A plain-Node build script of the package is left alone too, which is the safe side.
      facts.processFailureHandler = () => `the package depends on electron, whose processes only warn on an unhandled rejection`;
    } else if (handlerRoot) {
      facts.processFailureHandler = () => {
        if (!this.failureHandlers.has(handlerRoot)) this.failureHandlers.set(handlerRoot, processFailureHandler(handlerRoot));
        return this.failureHandlers.get(handlerRoot);
      };
    }
    facts.browserEvidence = (absolute) => {
      for (const root of roots) {
        const evidence = this.browserRefsOf(root).get(absolute);
        if (evidence) return evidence;
      }
      return undefined;
    };
    return facts;
  }

  private testGlobsOf(dir: string): TestGlob[] {
    let globs = this.testGlobs.get(dir);
    if (!globs) {
      globs = configuredTests(dir);
      this.testGlobs.set(dir, globs);
    }
    return globs;
  }

  private browserRefsOf(dir: string): Map<string, string> {
    let refs = this.browserRefs.get(dir);
    if (!refs) {
      refs = browserReferences(dir);
      this.browserRefs.set(dir, refs);
    }
    return refs;
  }

  /** `module` / `moduleDetection`, following relative `extends` (a few levels). */
  private tsconfig(file: string, depth: number): FolderFacts['tsconfig'] | undefined {
    if (this.tsconfigs.has(file)) return this.tsconfigs.get(file);
    const json = readJsonc(file);
    let result: FolderFacts['tsconfig'] | undefined;
    if (json) {
      const options = (json.compilerOptions ?? {}) as Json;
      let base: FolderFacts['tsconfig'] | undefined;
      const extendsValue = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends.filter((e): e is string => typeof e === 'string') : [];
      for (const parent of extendsValue) {
        if (depth > 4 || !parent.startsWith('.')) continue;
        const parentFile = path.resolve(path.dirname(file), parent.endsWith('.json') ? parent : `${parent}.json`);
        base = { ...base, ...this.tsconfig(parentFile, depth + 1) };
      }
      result = { ...base };
      if (typeof options.module === 'string') result.module = options.module.toLowerCase();
      if (typeof options.moduleDetection === 'string') result.moduleDetection = options.moduleDetection.toLowerCase();
    }
    this.tsconfigs.set(file, result);
    return result;
  }
}
