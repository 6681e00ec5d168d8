/**
 * Where a file runs, as one typed object: its role, its module kind and its nearest package.
 * Built by `lib/context` (the resolver does the I/O, `classifyFile` the deciding) and handed to
 * the engine, which puts it on every RuleContext as `ctx.fileContext`.
 */

/**
 * - `test`: test code (test folders and names, the repo's test-runner configs, test-framework imports);
 * - `fixture`: data for tests (`__testfixtures__/`, `fixtures/`, `__fixtures__/`);
 * - `entry`: a program's own entry point (package `bin`, `require.main === module`, a shebang);
 * - `script`: a build/CI/dev script (named in package `scripts`, under `scripts/`, `bin/`, `tools/`);
 * - `browser-script`: a classic browser script (HTML `<script src>`, a static folder, concatenated
 *   by the build, or `window`/`document` at top level), with no module syntax;
 * - `example`: example and demo code (`examples/`, `demo/`, `samples/`, `push-examples/`): written
 *   to be read and copied, not the product;
 * - `library`: source of a published package (not `private`, with `main`/`exports`/`bin`/`files`);
 * - `application`: everything else.
 */
export type FileRole = 'test' | 'fixture' | 'example' | 'entry' | 'script' | 'browser-script' | 'library' | 'application';

export const FILE_ROLES: readonly FileRole[] = ['test', 'fixture', 'example', 'entry', 'script', 'browser-script', 'library', 'application'];

/**
 * Which host runs the file:
 * - `browser`: a page (classic scripts, DOM or UI-framework code, client folders, packages that
 *   are browser apps);
 * - `node`: Node (built-in modules, `process.argv`, `__dirname`, server folders);
 * - `unknown`: no evidence either way (treated like Node, as before this was known).
 */
export type Environment = 'browser' | 'node' | 'unknown';

/**
 * - `esm`: ES module (imports are `import`);
 * - `cjs`: CommonJS (imports are `require`);
 * - `script`: a classic script (no module system: nothing can be imported);
 * - `ts-script`: a TypeScript global script (no import/export: adding one makes it a module and
 *   other files lose its globals).
 */
export type ModuleKind = 'esm' | 'cjs' | 'script' | 'ts-script';

/** The facts of a package.json that decide how its files are treated. */
export interface PackageFacts {
  /** Absolute path of the package.json. */
  manifest: string;
  name?: string;
  private: boolean;
  /** `type` of the nearest package.json (Node's rule for `.js`). */
  type: 'module' | 'commonjs';
  main?: string;
  exports: boolean;
  /** Package-relative paths of the `bin` entries (forward slashes, no `./`). */
  bin: string[];
  browser: boolean;
  /** Names in dependencies, devDependencies, peerDependencies and optionalDependencies. */
  dependencies: string[];
  scripts: Record<string, string>;
  /** `library`: published (not private, with a name and main/exports/bin/files); else `application`. */
  kind: 'library' | 'application';
}

/** What one file's context says, and why (so a user can see why a file was treated as it was). */
export interface FileContext {
  role: FileRole;
  /** The evidence for the role: `folder test/`, `package.json bin`, `imports vitest`, ... */
  roleEvidence: string;
  moduleKind: ModuleKind;
  moduleEvidence: string;
  environment: Environment;
  environmentEvidence: string;
  package?: PackageFacts;
  /**
   * Whether the program already decides what an unhandled rejection does: a file of its package
   * registers `process.on('unhandledRejection' | 'uncaughtException')` (evidence text). Computed
   * on first call (it reads the package's sources once), absent without a resolver.
   */
  processFailureHandler?: () => string | undefined;
}

/** Everything known about a file's folder (package, tsconfig, repo test configs, HTML refs), cached per folder. */
export interface FolderFacts {
  package?: PackageFacts;
  /** `module` and `moduleDetection` of the nearest tsconfig.json (lower-cased). */
  tsconfig?: { module?: string; moduleDetection?: string };
  /** Test files named by the repository's mocha/jest/vitest/playwright configuration. */
  isConfiguredTest?(absolute: string): string | undefined;
  /** Files run by the repository's CI workflows (`node extra/x.js` in .github/workflows): evidence text. */
  isCiScript?(absolute: string): string | undefined;
  /** The `scripts` of the nearest package.json when it is not the package's own (an unnamed one in between). */
  nearestScripts?: { dir: string; scripts: Record<string, string> };
  /** Files loaded by an HTML `<script src>` (classic scripts), or concatenated by a build config: evidence text. */
  browserEvidence?(absolute: string): string | undefined;
  /** A non-test file of the package (or project) that handles process-wide unhandled rejections or uncaught exceptions: evidence text. Read lazily. */
  processFailureHandler?(): string | undefined;
  /** The package root (absolute), for package-relative paths. */
  packageDir?: string;
  /** The project root (git root, else the package root): folder names above it say nothing. */
  rootDir?: string;
}
