/**
 * Deciding a file's role and module kind from its path, its text and its folder's facts. Pure (no
 * I/O): the resolver (lib/context/resolver.ts) gathers the facts, the engine and the jscodeshift
 * adapter call `classifyFile` without them when there is nothing to read.
 */
import * as path from 'node:path';
import type { Environment, FileContext, FileRole, FolderFacts, ModuleKind } from './types';

/** Folder names whose files are test code. */
const TEST_FOLDERS = new Set(['__tests__', 'test', 'tests', 'spec', 'specs', 'e2e', 'cypress', '__mocks__', 'playwright']);
/** Folders named for the tests they hold: insomnia's `insomnia-smoke-test/`, `api-tests/`, `web_e2e/`. */
const TEST_FOLDER_SUFFIX = /^[\w.-]+[-_](?:tests?|specs?|e2e)$/i;
/** Folder names whose files are test data. */
const FIXTURE_FOLDERS = new Set(['__testfixtures__', '__fixtures__', 'fixtures', 'fixture']);
/** Folder names of example and demo code (`examples/`, `demo/`, uptime-kuma's `push-examples/`). */
const EXAMPLE_FOLDER = /^(?:[\w.]+[-_])?(?:examples?|demos?|samples?)$/i;
/** Folder names whose files are scripts (build, CI, maintenance). */
const SCRIPT_FOLDERS = new Set(['scripts', 'script', 'bin', 'tools']);
/** Folder names served as static files (their scripts are loaded by pages as they are). */
const STATIC_FOLDERS = new Set(['public', 'static', 'www', 'wwwroot']);

const SOURCE_EXT = '[cm]?[jt]sx?';
/** `x.test.js`, `x.spec.ts`, `x_spec.js`, `x-test.js`, `x.mocha.js`, `x.cy.js`, `x.e2e.ts`, `test_x.js`, `setupTests.ts`. */
const TEST_NAME = new RegExp(
  `(?:[._-](?:test|spec|tests|specs)|\\.(?:mocha|cy|e2e|unit|integration|bench))\\.${SOURCE_EXT}$|^test[_-].+\\.${SOURCE_EXT}$|^(?:setupTests|setup-tests|jest\\.setup|vitest\\.setup|test-setup|testSetup)\\.${SOURCE_EXT}$`,
  'i',
);

/** The test frameworks whose import makes a file a test. */
const TEST_FRAMEWORK_IMPORT =
  /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](node:test|vitest|@jest\/globals|mocha|@playwright\/test|bun:test|ava|tap|uvu|@japa\/runner|jasmine)['"]/m;

const ESM_SYNTAX = /^[ \t]*(?:import(?:\s+[\w$]|\s*[{*'"])|export(?:\s+[\w${*]|\s*[{*]))/m;
/** `require('x')` (not `app.require('x')`), `module.exports`, `exports.x =`. */
const CJS_SYNTAX = /(?<![.\w$])require\s*\(\s*['"`]|\bmodule\.exports\b|^[ \t]*exports\.[\w$]+\s*=|(?<![.\w$])require\.main\b/m;
/** An AMD module: `define('name', [deps], function (...) {...})` at top level. */
const AMD_DEFINE = /^(?:define|require)\s*\(\s*(?:['"][^'"]*['"]\s*,\s*)?(?:\[|function\b|\()/m;
const MAIN_GUARD = /\brequire\.main\s*===?\s*module\b|\bmodule\s*===?\s*require\.main\b|\bimport\.meta\.main\b|\bimport\.meta\.url\s*===?\s*(?:pathToFileURL|url\.pathToFileURL)\s*\(\s*process\.argv\s*\[\s*1\s*\]/;
/** A program's start at top level: `main();`, `run().then(...)`, `(async () => { ... })();`. */
const TOP_LEVEL_START = /^(?:\(\s*async\b|(?:void\s+)?(?:main|run|start|bootstrap|cli)\s*\(\s*\)\s*(?:;|\.(?:then|catch)\b|$))/m;
const EXPORTS = /\bmodule\.exports\b|^[ \t]*exports\.[\w$]+\s*=|^[ \t]*export\s/m;
const TOP_LEVEL_DOM = /^(?:window|document)\s*[.[]|^(?:\$|jQuery)\s*\(\s*(?:document|window|function)\b|^(?:var|let|const)\s+[\w$]+\s*=\s*document\./m;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** The file's path inside its project (folder names above the project root say nothing about it). */
function projectPath(filePath: string, facts: FolderFacts): string {
  const root = facts.rootDir ?? facts.packageDir;
  if (root && path.isAbsolute(filePath)) {
    const relative = path.relative(root, filePath);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return toPosix(relative);
  }
  // An absolute path with no known project root: its folders may be anyone's (a checkout under
  // ~/tests/, this repository's __testfixtures__/), so only the file name counts.
  if (path.isAbsolute(filePath)) return path.basename(filePath);
  return toPosix(filePath).replace(/^(\.\.?\/)+/, '');
}

function packagePath(filePath: string, facts: FolderFacts): string | undefined {
  if (!facts.packageDir || !path.isAbsolute(filePath)) return undefined;
  const relative = path.relative(facts.packageDir, filePath);
  return relative.startsWith('..') ? undefined : toPosix(relative);
}

/** Whether a package script's command line runs this file (`node scripts/x.js`, `tsx src/cli.ts`). */
function namedInScripts(relative: string, scripts: Record<string, string>): string | undefined {
  const bare = relative.replace(/\.[cm]?[jt]sx?$/, '');
  for (const [name, command] of Object.entries(scripts)) {
    for (const word of command.split(/[\s;&|()'"=]+/)) {
      const w = word.replace(/^\.\//, '');
      if (w === relative || (w === bare && w.includes('/'))) return name;
    }
  }
  return undefined;
}

/** Role evidence from the path alone: fixture and test layouts. Used before a file is read, too. */
export function roleFromPath(filePath: string, facts: FolderFacts = {}): { role: 'test' | 'fixture' | 'example'; evidence: string } | undefined {
  const relative = projectPath(filePath, facts);
  const parts = relative.split('/');
  const base = parts.pop() ?? '';
  for (const folder of parts) if (FIXTURE_FOLDERS.has(folder)) return { role: 'fixture', evidence: `folder ${folder}/` };
  for (const folder of parts) if (TEST_FOLDERS.has(folder) || TEST_FOLDER_SUFFIX.test(folder)) return { role: 'test', evidence: `folder ${folder}/` };
  if (TEST_NAME.test(base)) return { role: 'test', evidence: `file name ${base}` };
  for (const folder of parts) if (EXAMPLE_FOLDER.test(folder)) return { role: 'example', evidence: `folder ${folder}/` };
  return undefined;
}

/** True for test, fixture and example paths: the quick check the benches use. */
export function isTestPath(filePath: string): boolean {
  return roleFromPath(filePath) !== undefined;
}

function stripShebang(text: string): string {
  return text.startsWith('#!') ? text.slice(text.indexOf('\n') + 1) : text;
}

/** Decides a file's module kind: extension, syntax, package `type`, tsconfig, browser evidence. */
function decideModuleKind(
  filePath: string,
  text: string,
  facts: FolderFacts,
  browser: string | undefined,
): { kind: ModuleKind; evidence: string } {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return { kind: 'esm', evidence: `extension ${ext}` };
  if (ext === '.cjs' || ext === '.cts') return { kind: 'cjs', evidence: `extension ${ext}` };
  const body = stripShebang(text);
  if (ESM_SYNTAX.test(body)) return { kind: 'esm', evidence: 'import/export syntax' };
  const typescript = ext === '.ts' || ext === '.tsx';
  if (browser) return { kind: 'script', evidence: browser };
  if (CJS_SYNTAX.test(body)) return { kind: 'cjs', evidence: 'require/module.exports syntax' };
  if (typescript) {
    const detection = facts.tsconfig?.moduleDetection;
    const module = facts.tsconfig?.module;
    if (detection === 'force') return { kind: 'esm', evidence: 'tsconfig moduleDetection "force"' };
    if ((module === 'node16' || module === 'nodenext') && facts.package?.type === 'module') {
      return { kind: 'esm', evidence: `tsconfig module "${module}" in a "type": "module" package` };
    }
    // Without a tsconfig the file is not known to be part of a TypeScript program (snippets, the
    // jscodeshift adapter on loose files): keep the ESM default rather than refuse.
    if (!facts.tsconfig) return { kind: 'esm', evidence: 'TypeScript without import/export, no tsconfig.json found' };
    return { kind: 'ts-script', evidence: 'TypeScript without import/export in a tsconfig project (a global script)' };
  }
  if (facts.package?.type === 'module') return { kind: 'esm', evidence: 'package.json "type": "module"' };
  if (ext === '.jsx') return { kind: 'esm', evidence: 'extension .jsx (bundled)' };
  return { kind: 'cjs', evidence: facts.package ? 'package.json without "type": "module" (Node default)' : 'no module syntax (Node default)' };
}

/** Browser evidence for a file without module syntax, or undefined. */
function browserEvidence(filePath: string, text: string, facts: FolderFacts): string | undefined {
  const body = stripShebang(text);
  if (ESM_SYNTAX.test(body)) return undefined;
  // An AMD module's dependencies go through define(); a top-level require or import does not belong there.
  if (AMD_DEFINE.test(body)) return 'an AMD define() module';
  if (CJS_SYNTAX.test(body)) return undefined;
  const ext = path.extname(filePath).toLowerCase();
  if (ext !== '.js' && ext !== '.jsx') return undefined;
  if (path.isAbsolute(filePath)) {
    const named = facts.browserEvidence?.(filePath);
    if (named) return named;
  }
  const folders = projectPath(filePath, facts).split('/').slice(0, -1);
  const served = folders.find((f) => STATIC_FOLDERS.has(f));
  if (served) return `no module syntax, in static folder ${served}/`;
  if (TOP_LEVEL_DOM.test(body)) return 'no module syntax, window/document used at top level';
  return undefined;
}

/** Node's own modules: importing one says the file runs in Node (bundlers polyfill `events`, `util`, `buffer`, `path`, `url`; these they do not). */
const NODE_ONLY_MODULES =
  'fs|fs/promises|child_process|cluster|dgram|dns|dns/promises|http|https|http2|inspector|module|net|os|perf_hooks|readline|repl|tls|tty|v8|vm|worker_threads|zlib|async_hooks|diagnostics_channel';
const NODE_IMPORT = new RegExp(
  `(?:\\bfrom\\s*|(?<![.\\w$])require\\s*\\(\\s*|\\bimport\\s*\\(\\s*|^\\s*import\\s+)['"](node:[\\w/]+|(?:${NODE_ONLY_MODULES}))['"]`,
  'm',
);
/** Node-only globals (`process.env` is left out: bundlers define `process.env.NODE_ENV` in browser code). */
const NODE_GLOBALS = /(?<![.\w$])(?:process\.(?:argv|exit|exitCode|on|once|cwd|pid|stdout|stderr|stdin|platform|memoryUsage|hrtime)\b|__dirname\b|__filename\b|require\.main\b)/;
/** The page's globals, used anywhere in the file. */
const DOM_GLOBALS = /(?<![.\w$])(?:window|document|localStorage|sessionStorage|navigator)(?:\.[\w$]|\[)|(?<![.\w$])(?:requestAnimationFrame|matchMedia)\s*\(/;
/** Strings and comments, so that "still in the window." or `// see process.exit` is no evidence. */
const STRINGS_AND_COMMENTS = /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;

function codeOnly(text: string): string {
  return text.replace(STRINGS_AND_COMMENTS, (_match, literal: string | undefined) => (literal === undefined ? ' ' : '""'));
}
/** UI frameworks: their components, hooks and effects run in a page. */
const UI_FRAMEWORKS = 'react|react-dom|react-dom/client|preact|preact/hooks|vue|svelte|svelte/store|solid-js|@angular/core|lit|mobx-react|mobx-react-lite|jquery';
const UI_IMPORT = new RegExp(`(?:\\bfrom\\s*|(?<![.\\w$])require\\s*\\(\\s*|^\\s*import\\s+)['"](${UI_FRAMEWORKS})['"]`, 'm');
/** Folder names whose code runs in a page, or in Node. */
const BROWSER_FOLDERS = new Set(['public', 'static', 'www', 'wwwroot', 'client', 'frontend', 'browser']);
const NODE_FOLDERS = new Set(['server', 'backend']);
/** Dependencies that make a package a browser app, unless it also has one of SERVER_DEPENDENCIES. */
const BROWSER_APP_DEPENDENCIES = ['react-dom', 'vue', 'svelte', '@angular/core', 'preact', 'solid-js', 'vite', '@vitejs/plugin-react', 'parcel', 'react-scripts'];
const SERVER_DEPENDENCIES = ['express', 'koa', 'fastify', '@hapi/hapi', 'hapi', 'restify', 'next', 'nuxt', '@remix-run/node', 'hono', '@nestjs/core', 'socket.io', 'ws', 'electron', '@sveltejs/kit'];

/** A page global the file uses as such: not one it declares itself (`const document = await Document.findByPk(id)`, a `(document) =>` parameter). */
function pageGlobalUse(code: string): string | undefined {
  const pattern = new RegExp(DOM_GLOBALS.source, 'g');
  for (let match = pattern.exec(code); match !== null; match = pattern.exec(code)) {
    const name = /^[\w$]+/.exec(match[0])?.[0] ?? '';
    const declared = new RegExp(`(?:\\b(?:const|let|var|function|class)\\s+|[(,{]\\s*)${name}\\s*(?:[,)=}:?]|$)|\\b(?:const|let|var)\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=`, 'm');
    if (!declared.test(code)) return name;
  }
  return undefined;
}

/**
 * Which host runs the file, on the strongest evidence: Node's modules and globals in the file,
 * then its folders (nearest first: `server/` code that renders React emails is still Node), then
 * the file's UI-framework imports and page globals, then its package's dependencies.
 */
function decideEnvironment(filePath: string, text: string, facts: FolderFacts, role: FileRole): { environment: Environment; evidence: string } {
  if (role === 'browser-script') return { environment: 'browser', evidence: 'a classic browser script' };
  const nodeImport = NODE_IMPORT.exec(text);
  if (nodeImport) return { environment: 'node', evidence: `imports ${nodeImport[1]}` };
  const code = codeOnly(text);
  const nodeGlobal = NODE_GLOBALS.exec(code);
  if (nodeGlobal) return { environment: 'node', evidence: `uses ${nodeGlobal[0]}` };
  const folders = projectPath(filePath, facts).split('/').slice(0, -1).reverse();
  for (const folder of folders) {
    if (BROWSER_FOLDERS.has(folder)) return { environment: 'browser', evidence: `folder ${folder}/` };
    if (NODE_FOLDERS.has(folder)) return { environment: 'node', evidence: `folder ${folder}/` };
  }
  const ui = UI_IMPORT.exec(text);
  if (ui) return { environment: 'browser', evidence: `imports ${ui[1]}` };
  const global = pageGlobalUse(code);
  if (global) return { environment: 'browser', evidence: `uses ${global}` };
  const deps = facts.package?.dependencies;
  if (deps && facts.package?.kind === 'application' && !SERVER_DEPENDENCIES.some((dep) => deps.includes(dep))) {
    const app = BROWSER_APP_DEPENDENCIES.find((dep) => deps.includes(dep));
    if (app) return { environment: 'browser', evidence: `package depends on ${app} and on no server framework` };
  }
  return { environment: 'unknown', evidence: 'no browser or Node evidence' };
}

/** Role and module kind of one file. `filePath` is absolute when `facts` come from the resolver. */
export function classifyFile(filePath: string, text: string, facts: FolderFacts = {}): FileContext {
  const browser = browserEvidence(filePath, text, facts);
  const module = decideModuleKind(filePath, text, facts, browser);
  const done = (role: FileRole, roleEvidence: string): FileContext => {
    const { environment, evidence: environmentEvidence } = decideEnvironment(filePath, text, facts, role);
    const context: FileContext = { role, roleEvidence, moduleKind: module.kind, moduleEvidence: module.evidence, environment, environmentEvidence };
    if (facts.package) context.package = facts.package;
    if (facts.processFailureHandler) context.processFailureHandler = facts.processFailureHandler;
    return context;
  };

  const byPath = roleFromPath(filePath, facts);
  if (byPath) return done(byPath.role, byPath.evidence);
  const configured = path.isAbsolute(filePath) ? facts.isConfiguredTest?.(filePath) : undefined;
  if (configured) return done('test', configured);
  const framework = TEST_FRAMEWORK_IMPORT.exec(text);
  if (framework) return done('test', `imports ${framework[1]}`);
  if (browser && module.kind === 'script') return done('browser-script', browser);

  const inPackage = packagePath(filePath, facts);
  const pkg = facts.package;
  if (pkg && inPackage !== undefined) {
    if (pkg.bin.includes(inPackage)) return done('entry', 'package.json bin');
    const script = namedInScripts(inPackage, pkg.scripts);
    if (script) return done('script', `package.json script "${script}"`);
  }
  const nearest = facts.nearestScripts;
  if (nearest && path.isAbsolute(filePath)) {
    const relative = toPosix(path.relative(nearest.dir, filePath));
    const script = relative.startsWith('..') ? undefined : namedInScripts(relative, nearest.scripts);
    if (script) return done('script', `script "${script}" of ${toPosix(path.relative(facts.rootDir ?? nearest.dir, path.join(nearest.dir, 'package.json')))}`);
  }
  const ci = path.isAbsolute(filePath) ? facts.isCiScript?.(filePath) : undefined;
  if (ci) return done('script', ci);
  if (MAIN_GUARD.test(text)) return done('entry', 'require.main === module');
  if (text.startsWith('#!') || text.startsWith('\uFEFF#!')) return done('entry', 'shebang');
  // Only with a project around the file (a real run): loose snippets keep their code under test.
  if (facts.rootDir !== undefined && module.kind !== 'script' && TOP_LEVEL_START.test(stripShebang(text)) && !EXPORTS.test(text)) {
    return done('entry', 'exports nothing and starts main() or an async IIFE at top level');
  }
  const folders = projectPath(filePath, facts).split('/').slice(0, -1);
  const scriptFolder = folders.find((f) => SCRIPT_FOLDERS.has(f));
  if (scriptFolder) return done('script', `folder ${scriptFolder}/`);
  if (pkg?.kind === 'library') return done('library', `published package ${pkg.name ?? pkg.manifest}`);
  return done('application', pkg ? `package ${pkg.name ?? 'without a name'} (${pkg.private ? 'private' : 'not published'})` : 'no package.json');
}

/** True when the role says the file is test code, test data or example code (skipped by default). */
export function isTestRole(role: FileRole): boolean {
  return role === 'test' || role === 'fixture' || role === 'example';
}

/** True when the file is a program of its own (the process lives as long as it runs). */
export function isProgramRole(role: FileRole): boolean {
  return role === 'entry' || role === 'script';
}
