/**
 * Typed mode: asks the TypeScript checker whether an expression is a Promise or a thenable, the
 * way typescript-eslint's `no-floating-promises` does, for code the syntax alone cannot decide
 * (imported async functions, methods of typed interfaces).
 *
 * One Program per tsconfig.json, built once per thread and kept in a module-level map. When the
 * text leakfix analyses differs from the file on disk (a shebang cut off, an earlier transform's
 * output, a test fixture), a derived Program replaces just that file and reuses every other
 * SourceFile of the base Program. TS nodes are matched to Babel nodes by source span: both parse
 * the same text, so a node's start (after trivia) and end offsets agree.
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import { loadTypescript } from './typescript';

let loadedCompiler: typeof ts | undefined;
/** The TypeScript compiler, loaded on first use: untyped runs (the default) never pay its start-up. */
function compiler(): typeof ts {
  loadedCompiler ??= loadTypescript();
  return loadedCompiler;
}

/**
 * `promise`: every part of the type is a PromiseLike (its `then` returns a thenable again);
 * `thenable`: every part has a `then(onFulfilled, onRejected)`, some return no thenable;
 * `maybe`: only some parts are thenables (`Promise<T> | undefined`); `not`: none, or `any`.
 */
export type TypeVerdict = 'promise' | 'thenable' | 'maybe' | 'not';

export type TypedUnavailable = { available: false; reason: 'no-tsconfig' | 'tsconfig-unreadable' | 'file-not-in-project' | 'typescript-error'; detail: string };

export interface TypedFile {
  available: true;
  configPath: string;
  /** The verdict for the expression spanning [start, end) of the analysed text; undefined when no expression has that span. */
  verdictAt(start: number, end: number): TypeVerdict | undefined;
}

interface FileView {
  program: ts.Program;
  sourceFile: ts.SourceFile;
  /** Characters of the TS text before the analysed text (a shebang line leakfix cut off). */
  offset: number;
}

/** A shebang line is all the engine cuts off that TypeScript keeps (both drop a BOM). */
const SHEBANG_LINE = /^#![^\n]*\n$/;

const OVERLAYS_KEPT = 2;

/** One tsconfig's Program, built on first use, plus a few derived Programs for edited texts. */
class TypedProject {
  private base: ts.Program | undefined;
  private readonly host: ts.CompilerHost;
  private readonly overlays: Array<{ fileName: string; text: string; view: FileView | undefined }> = [];
  private rootSet: Set<string> | undefined;

  constructor(
    readonly configPath: string,
    private readonly parsed: ts.ParsedCommandLine,
  ) {
    this.host = compiler().createCompilerHost(parsed.options, true);
  }

  private program(): ts.Program {
    if (!this.base) baseProgramBuilds++;
    this.base ??= compiler().createProgram({
      rootNames: this.parsed.fileNames,
      options: this.parsed.options,
      projectReferences: this.parsed.projectReferences,
      host: this.host,
    });
    return this.base;
  }

  /** True when the tsconfig's own file list (include/files) has the file. */
  includes(fileName: string): boolean {
    this.rootSet ??= new Set(this.parsed.fileNames.map((f) => path.resolve(f)));
    return this.rootSet.has(path.resolve(fileName));
  }

  /** The tsconfig files this one references (`references: [{ path }]`), for solution-style configs. */
  referencedConfigs(): string[] {
    return (this.parsed.projectReferences ?? []).map((reference) => compiler().resolveProjectReferencePath(reference));
  }

  view(fileName: string, text: string): FileView | undefined {
    const base = this.program();
    const onDisk = base.getSourceFile(fileName);
    if (onDisk && onDisk.text === text) return { program: base, sourceFile: onDisk, offset: 0 };
    if (onDisk && onDisk.text.endsWith(text) && SHEBANG_LINE.test(onDisk.text.slice(0, onDisk.text.length - text.length).replace(/\r\n$/, '\n'))) {
      return { program: base, sourceFile: onDisk, offset: onDisk.text.length - text.length };
    }
    const kept = this.overlays.find((o) => o.fileName === fileName && o.text === text);
    if (kept) return kept.view;
    const view = this.overlay(base, fileName, text);
    this.overlays.push({ fileName, text, view });
    if (this.overlays.length > OVERLAYS_KEPT) this.overlays.shift();
    return view;
  }

  private overlay(base: ts.Program, fileName: string, text: string): FileView | undefined {
    const options = this.parsed.options;
    const edited = compiler().createSourceFile(fileName, text, options.target ?? compiler().ScriptTarget.Latest, true, scriptKind(fileName));
    const host: ts.CompilerHost = {
      ...this.host,
      getSourceFile: (name, languageVersion, onError, shouldCreate) =>
        samePath(name, fileName) ? edited : (base.getSourceFile(name) ?? this.host.getSourceFile(name, languageVersion, onError, shouldCreate)),
      fileExists: (name) => samePath(name, fileName) || this.host.fileExists(name),
      readFile: (name) => (samePath(name, fileName) ? text : this.host.readFile(name)),
    };
    const roots = base.getRootFileNames();
    const rootNames = roots.some((r) => samePath(r, fileName)) ? roots : [...roots, fileName];
    overlayBuilds++;
    const program = compiler().createProgram({ rootNames, options, host, oldProgram: base, projectReferences: this.parsed.projectReferences });
    const sourceFile = program.getSourceFile(fileName);
    return sourceFile ? { program, sourceFile, offset: 0 } : undefined;
  }
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

function scriptKind(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return compiler().ScriptKind.TSX;
  if (/\.[mc]?ts$/.test(lower)) return compiler().ScriptKind.TS;
  if (lower.endsWith('.jsx')) return compiler().ScriptKind.JSX;
  return compiler().ScriptKind.JS;
}

let baseProgramBuilds = 0;
let overlayBuilds = 0;
const tsconfigByDirectory = new Map<string, string | null>();
const projects = new Map<string, TypedProject | TypedUnavailable>();

/** The nearest `tsconfig.json` at or above the file's folder. */
export function nearestTsconfig(filePath: string): string | undefined {
  const visited: string[] = [];
  let dir = path.dirname(path.resolve(filePath));
  let found: string | null = null;
  for (;;) {
    const cached = tsconfigByDirectory.get(dir);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(dir);
    const candidate = path.join(dir, 'tsconfig.json');
    if (compiler().sys.fileExists(candidate)) {
      found = candidate;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of visited) tsconfigByDirectory.set(d, found);
  return found ?? undefined;
}

function loadProject(configPath: string): TypedProject | TypedUnavailable {
  const cached = projects.get(configPath);
  if (cached) return cached;
  let problem: string | undefined;
  const parsed = compiler().getParsedCommandLineOfConfigFile(configPath, {}, {
    ...compiler().sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      problem = compiler().flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    },
  });
  // "No inputs were found" and "the files list is empty" are normal for solution-style configs.
  const fatal = parsed?.errors.find((d) => d.category === compiler().DiagnosticCategory.Error && d.code !== 18002 && d.code !== 18003);
  if (fatal) problem = compiler().flattenDiagnosticMessageText(fatal.messageText, ' ');
  const project: TypedProject | TypedUnavailable =
    parsed && problem === undefined
      ? new TypedProject(configPath, parsed)
      : { available: false, reason: 'tsconfig-unreadable', detail: `${configPath}: ${problem ?? 'cannot be read'}` };
  projects.set(configPath, project);
  return project;
}

/**
 * A solution-style tsconfig (`files: []` plus `references`) does not list the file itself: the
 * referenced project that includes it is the one whose options apply.
 */
function projectFor(project: TypedProject | TypedUnavailable, filePath: string): TypedProject | TypedUnavailable {
  if (!(project instanceof TypedProject) || project.includes(filePath)) return project;
  for (const configPath of project.referencedConfigs()) {
    const referenced = loadProject(configPath);
    if (referenced instanceof TypedProject && referenced.includes(filePath)) return referenced;
  }
  return project;
}

/** Type facts for one file's text, or why there are none (the caller falls back to untyped analysis). */
export function typedFile(filePath: string, text: string): TypedFile | TypedUnavailable {
  const configPath = nearestTsconfig(filePath);
  if (!configPath) return { available: false, reason: 'no-tsconfig', detail: `no tsconfig.json at or above ${path.dirname(path.resolve(filePath))}` };
  const project = projectFor(loadProject(configPath), filePath);
  if (!(project instanceof TypedProject)) return project;
  let view: FileView | undefined;
  try {
    view = project.view(path.resolve(filePath), text);
  } catch (error) {
    return { available: false, reason: 'typescript-error', detail: `TypeScript failed on ${filePath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  if (!view) return { available: false, reason: 'file-not-in-project', detail: `${filePath} is not part of the program of ${configPath} (allowJs?)` };
  const { program, sourceFile, offset } = view;
  const checker = program.getTypeChecker();
  const verdicts = new Map<string, TypeVerdict | undefined>();
  return {
    available: true,
    configPath: project.configPath,
    verdictAt(start: number, end: number): TypeVerdict | undefined {
      const key = `${start}:${end}`;
      if (!verdicts.has(key)) {
        const node = expressionWithSpan(sourceFile, start + offset, end + offset);
        verdicts.set(key, node ? verdictOf(checker, node) : undefined);
      }
      return verdicts.get(key);
    },
  };
}

/** The outermost expression whose span, without parentheses, is exactly [start, end). */
function expressionWithSpan(sourceFile: ts.SourceFile, start: number, end: number): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.pos > start || node.end < end) return;
    if (compiler().isExpression(node) && !compiler().isParenthesizedExpression(node) && node.getStart(sourceFile) === start && node.end === end) {
      found = node;
      return;
    }
    compiler().forEachChild(node, visit);
  };
  compiler().forEachChild(sourceFile, visit);
  return found;
}

function verdictOf(checker: ts.TypeChecker, node: ts.Expression): TypeVerdict {
  const type = checker.getTypeAtLocation(node);
  if (type.flags & (compiler().TypeFlags.Any | compiler().TypeFlags.Unknown)) return 'not';
  const parts = unionParts(checker.getApparentType(type));
  const kinds = parts.map((part) => thenKind(checker, part, node));
  if (kinds.every((kind) => kind === 'none')) return 'not';
  if (kinds.some((kind) => kind === 'none')) return 'maybe';
  return kinds.every((kind) => kind === 'promise-like') ? 'promise' : 'thenable';
}

function unionParts(type: ts.Type): ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/**
 * Whether a type has a `then(onFulfilled, onRejected)` method whose first two parameters accept
 * functions (typescript-eslint's test), and whether that `then` returns a thenable again, as
 * `PromiseLike` requires.
 */
function thenKind(checker: ts.TypeChecker, type: ts.Type, node: ts.Node): 'promise-like' | 'thenable' | 'none' {
  const then = type.getProperty('then');
  if (!then) return 'none';
  const thenType = checker.getTypeOfSymbolAtLocation(then, node);
  const signatures = unionParts(thenType).flatMap((part) =>
    part.getCallSignatures().filter((signature) => {
      const [fulfilled, rejected] = signature.parameters;
      return !!fulfilled && !!rejected && acceptsFunction(checker, fulfilled, node) && acceptsFunction(checker, rejected, node);
    }),
  );
  if (signatures.length === 0) return 'none';
  const chains = signatures.some((signature) => unionParts(checker.getApparentType(signature.getReturnType())).every((part) => part.getProperty('then') !== undefined));
  return chains ? 'promise-like' : 'thenable';
}

function acceptsFunction(checker: ts.TypeChecker, parameter: ts.Symbol, node: ts.Node): boolean {
  const type = checker.getTypeOfSymbolAtLocation(parameter, node);
  return unionParts(checker.getApparentType(type)).some((part) => part.getCallSignatures().length > 0);
}

/** For tests: forget every cached Program and tsconfig lookup. */
export function clearTypedCache(): void {
  tsconfigByDirectory.clear();
  projects.clear();
  baseProgramBuilds = 0;
  overlayBuilds = 0;
}

/** For tests: Programs built from tsconfig files, and derived Programs built for edited texts. */
export function typedProgramStats(): { programs: number; overlays: number } {
  return { programs: baseProgramBuilds, overlays: overlayBuilds };
}
