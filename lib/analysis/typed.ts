/**
 * Typed mode: asks the TypeScript checker whether an expression is a Promise or a thenable, the
 * way typescript-eslint's `no-floating-promises` does, for code the syntax alone cannot decide
 * (imported async functions, methods of typed interfaces).
 *
 * One Program per tsconfig.json, built once per thread and kept in a module-level map; the runner
 * builds it before a file's time limit starts (`prepareTypedFile`) and gives typed runs a single
 * thread, so a run builds each Program once. When the text leakfix analyses differs from the file
 * on disk only in indentation and line ends (recast's copy in fix mode), offsets are mapped line by
 * line onto the file on disk; when it differs otherwise (an earlier transform's output, a test
 * fixture), a derived Program replaces just that file and reuses every other SourceFile of the base
 * Program. TS nodes are matched to Babel nodes by source span.
 *
 * Every checker question is asked inside a try/catch: a failure (a stack overflow in
 * getTypeAtLocation is known) answers `undefined` for that expression, and the caller falls back
 * to the untyped answer for that statement.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as ts from 'typescript';
import { loadTypescript } from './typescript';
import { lineIndexAt } from '../text';

let loadedCompiler: typeof ts | undefined;
/** The TypeScript compiler, loaded on first use: untyped runs (the default) never pay its start-up. */
function compiler(): typeof ts {
  loadedCompiler ??= loadTypescript();
  return loadedCompiler;
}

/**
 * `promise`: every part of the type is the built-in `Promise` or a subclass of it;
 * `thenable`: every part has a `then(onFulfilled, onRejected)` (typescript-eslint's test), and some
 * part is not a built-in Promise (`PromiseLike`, a query builder, a custom class);
 * `maybe`: only some parts are thenables (`Promise<T> | undefined`, `T | Promise<T>`);
 * `unknown`: `any`, `unknown` or an unresolved type (the checker cannot tell);
 * `not`: a known type with no thenable part.
 */
export type TypeVerdict = 'promise' | 'thenable' | 'maybe' | 'unknown' | 'not';

/** For an array or tuple type: whether its elements are promises (`Promise<T>[]`, `[Promise<A>, Promise<B>]`). */
export type ArrayVerdict = 'promise-array' | 'not';

export type TypedUnavailable = { available: false; reason: 'no-tsconfig' | 'tsconfig-unreadable' | 'file-not-in-project' | 'typescript-error'; detail: string };

export interface TypedFile {
  available: true;
  configPath: string;
  /**
   * The verdict for the expression spanning [start, end) of the analysed text; undefined when no
   * expression has that span or the checker failed on it (the caller falls back to syntax).
   */
  verdictAt(start: number, end: number): TypeVerdict | undefined;
  /** Whether the expression's type is an array or tuple of promises; undefined as above. */
  arrayVerdictAt(start: number, end: number): ArrayVerdict | undefined;
  /** Whether the expression's type can be called (a rejection handler that is a function); undefined as above. */
  callableAt(start: number, end: number): boolean | undefined;
  /** The name of the type's symbol (`Promise`, `Query`), for messages; undefined when it has none. */
  typeNameAt(start: number, end: number): string | undefined;
}

interface FileView {
  program: ts.Program;
  sourceFile: ts.SourceFile;
  /** Maps an offset of the analysed text to the TS text; undefined when it has no counterpart. */
  toTs(offset: number): number | undefined;
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
    // JSDoc is read for types only where it carries them (JS files), as tsserver does: parsing
    // every comment of every .ts file was a large part of building the Program.
    this.host.jsDocParsingMode = compiler().JSDocParsingMode.ParseForTypeInfo;
  }

  /** Whether the base Program exists yet (building it is what `prepareTypedFile` times). */
  get built(): boolean {
    return this.base !== undefined;
  }

  program(): ts.Program {
    if (this.base) return this.base;
    const started = performance.now();
    this.base = compiler().createProgram({
      rootNames: this.parsed.fileNames,
      options: this.parsed.options,
      projectReferences: this.parsed.projectReferences,
      host: this.host,
    });
    // The checker's set-up (merging every file's globals) belongs to the build, not the first file.
    this.base.getTypeChecker();
    baseProgramBuilds++;
    programBuildMs += performance.now() - started;
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
    if (onDisk && onDisk.text === text) return { program: base, sourceFile: onDisk, toTs: (offset) => offset };
    if (onDisk && onDisk.text.endsWith(text) && SHEBANG_LINE.test(onDisk.text.slice(0, onDisk.text.length - text.length).replace(/\r\n$/, '\n'))) {
      const shift = onDisk.text.length - text.length;
      return { program: base, sourceFile: onDisk, toTs: (offset) => offset + shift };
    }
    if (onDisk) {
      const mapped = lineAlignment(onDisk.text, text);
      if (mapped) return { program: base, sourceFile: onDisk, toTs: mapped };
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
    return sourceFile ? { program, sourceFile, toTs: (offset) => offset } : undefined;
  }
}

/**
 * When `text` is `original` with other indentation and line ends (recast's copy of a file with
 * tabs or CRLF, or the file after its shebang line was cut off), a map from offsets in `text` to
 * offsets in `original`: same line, same distance from the line's first non-blank character.
 * Undefined when any line differs in more than its leading whitespace and line end.
 */
function lineAlignment(original: string, text: string): ((offset: number) => number | undefined) | undefined {
  const originalLines = original.split('\n');
  const textLines = text.split('\n');
  const skip = originalLines.length - textLines.length;
  if (skip !== 0 && !(skip === 1 && originalLines[0].startsWith('#!'))) return undefined;
  const lead = (line: string): number => line.length - line.trimStart().length;
  const textStarts: number[] = [];
  const originalStarts: number[] = [];
  let textAt = 0;
  let originalAt = originalLines.slice(0, skip).reduce((n, line) => n + line.length + 1, 0);
  for (let i = 0; i < textLines.length; i++) {
    const a = originalLines[i + skip].replace(/\r$/, '');
    const b = textLines[i].replace(/\r$/, '');
    if (a.trim() !== b.trim() || a.trimEnd().length - lead(a) !== b.trimEnd().length - lead(b)) return undefined;
    textStarts.push(textAt);
    originalStarts.push(originalAt);
    textAt += textLines[i].length + 1;
    originalAt += originalLines[i + skip].length + 1;
  }
  return (offset: number): number | undefined => {
    const lo = lineIndexAt(textStarts, offset);
    const column = offset - textStarts[lo];
    const textLead = lead(textLines[lo]);
    if (column < textLead) return column === 0 ? originalStarts[lo] : undefined;
    return originalStarts[lo] + lead(originalLines[lo + skip]) + (column - textLead);
  };
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
let programBuildMs = 0;
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

/** The project whose Program answers for a file, or why there is none. */
function projectOf(filePath: string): TypedProject | TypedUnavailable {
  const configPath = nearestTsconfig(filePath);
  if (!configPath) return { available: false, reason: 'no-tsconfig', detail: 'no tsconfig.json at or above the file' };
  return projectFor(loadProject(configPath), filePath);
}

export interface TypedPreparation {
  /** The tsconfig whose Program answers for the file. */
  configPath?: string;
  /** Set when this call built that Program: how long it took (not counted in the file's time). */
  buildMs?: number;
  /** Why typed mode is unavailable for the file (it is then analysed without types). */
  unavailable?: TypedUnavailable;
}

/**
 * Builds the Program for a file's tsconfig if it is not built yet. The runner calls this before a
 * file's time limit starts, so a file never times out because it was the first of its project.
 */
export function prepareTypedFile(filePath: string): TypedPreparation {
  let project: TypedProject | TypedUnavailable;
  try {
    project = projectOf(filePath);
    if (!(project instanceof TypedProject)) return { unavailable: project };
    if (project.built) return { configPath: project.configPath };
    const before = programBuildMs;
    project.program();
    return { configPath: project.configPath, buildMs: programBuildMs - before };
  } catch (error) {
    return { unavailable: { available: false, reason: 'typescript-error', detail: `TypeScript failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` } };
  }
}

/** Type facts for one file's text, or why there are none (the caller falls back to untyped analysis). */
export function typedFile(filePath: string, text: string): TypedFile | TypedUnavailable {
  const project = projectOf(filePath);
  if (!(project instanceof TypedProject)) return project;
  let view: FileView | undefined;
  try {
    view = project.view(path.resolve(filePath), text);
  } catch (error) {
    return { available: false, reason: 'typescript-error', detail: `TypeScript failed on ${filePath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
  if (!view) return { available: false, reason: 'file-not-in-project', detail: `the file is not part of the program of ${project.configPath} (allowJs?)` };
  const { program, sourceFile, toTs } = view;
  const checker = program.getTypeChecker();
  const nodes = new Map<string, ts.Expression | null>();
  const nodeAt = (start: number, end: number): ts.Expression | undefined => {
    const key = `${start}:${end}`;
    let node = nodes.get(key);
    if (node === undefined) {
      const tsStart = toTs(start);
      const tsEnd = toTs(end);
      node = (tsStart !== undefined && tsEnd !== undefined && expressionWithSpan(sourceFile, tsStart, tsEnd)) || null;
      nodes.set(key, node);
    }
    return node ?? undefined;
  };
  /** One checker question, cached; a throw (stack overflow, checker bug) answers undefined. */
  const ask = <T>(cache: Map<string, T | undefined>, start: number, end: number, question: (node: ts.Expression) => T): T | undefined => {
    const key = `${start}:${end}`;
    if (cache.has(key)) return cache.get(key);
    let answer: T | undefined;
    try {
      const node = nodeAt(start, end);
      answer = node ? question(node) : undefined;
    } catch {
      checkerFailures++;
      answer = undefined;
    }
    cache.set(key, answer);
    return answer;
  };
  const verdicts = new Map<string, TypeVerdict | undefined>();
  const arrays = new Map<string, ArrayVerdict | undefined>();
  const callables = new Map<string, boolean | undefined>();
  const names = new Map<string, string | undefined>();
  return {
    available: true,
    configPath: project.configPath,
    verdictAt: (start, end) => ask(verdicts, start, end, (node) => (failNextQuestion() ? boom() : verdictOf(program, checker, checker.getTypeAtLocation(node), node))),
    arrayVerdictAt: (start, end) => ask(arrays, start, end, (node) => arrayVerdictOf(program, checker, node)),
    callableAt: (start, end) => ask(callables, start, end, (node) => isCallable(checker, checker.getTypeAtLocation(node))),
    typeNameAt: (start, end) => ask(names, start, end, (node) => {
      const type = checker.getTypeAtLocation(node);
      return (type.aliasSymbol ?? type.getSymbol())?.getName();
    }),
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

const UNKNOWN_FLAGS = (): number => compiler().TypeFlags.Any | compiler().TypeFlags.Unknown;

function verdictOf(program: ts.Program, checker: ts.TypeChecker, type: ts.Type, node: ts.Node): TypeVerdict {
  if (type.flags & UNKNOWN_FLAGS()) return 'unknown';
  const parts = unionParts(checker.getApparentType(type));
  const kinds = parts.map((part) => (part.flags & UNKNOWN_FLAGS() ? 'unknown' : isBuiltinPromise(program, checker, part, 0) ? 'promise' : isThenable(checker, part, node) ? 'thenable' : 'none'));
  if (kinds.every((kind) => kind === 'promise')) return 'promise';
  if (kinds.every((kind) => kind === 'promise' || kind === 'thenable')) return 'thenable';
  if (kinds.some((kind) => kind === 'promise' || kind === 'thenable')) return 'maybe';
  if (kinds.some((kind) => kind === 'unknown')) return 'unknown';
  return 'not';
}

/** `Promise<T>[]`, `readonly Promise<T>[]`, `[Promise<A>, Promise<B>]` (typescript-eslint's isPromiseArray, built-in promises only). */
function arrayVerdictOf(program: ts.Program, checker: ts.TypeChecker, node: ts.Expression): ArrayVerdict {
  const type = checker.getTypeAtLocation(node);
  for (const part of unionParts(type).map((t) => checker.getApparentType(t))) {
    const elements = checker.isArrayType(part) ? checker.getTypeArguments(part as ts.TypeReference).slice(0, 1) : checker.isTupleType(part) ? checker.getTypeArguments(part as ts.TypeReference) : [];
    if (elements.some((element) => verdictOf(program, checker, element, node) === 'promise')) return 'promise-array';
  }
  return 'not';
}

function unionParts(type: ts.Type): ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/**
 * The built-in `Promise` (declared in a default lib file) or a class or interface that extends it,
 * as typescript-eslint's isBuiltinSymbolLike decides; an intersection counts when a part does.
 */
function isBuiltinPromise(program: ts.Program, checker: ts.TypeChecker, type: ts.Type, depth: number): boolean {
  if (depth > 8) return false;
  if (type.isIntersection()) return type.types.some((part) => isBuiltinPromise(program, checker, part, depth + 1));
  const symbol = type.getSymbol();
  if (!symbol) return false;
  if (symbol.getName() === 'Promise' && (symbol.getDeclarations() ?? []).some((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()))) return true;
  if (symbol.flags & (compiler().SymbolFlags.Class | compiler().SymbolFlags.Interface)) {
    const declared = checker.getDeclaredTypeOfSymbol(symbol);
    if (declared.isClassOrInterface()) return checker.getBaseTypes(declared).some((base) => isBuiltinPromise(program, checker, base, depth + 1));
  }
  return false;
}

/** Whether a type has a `then(onFulfilled, onRejected)` whose first two parameters accept functions (typescript-eslint's test). */
function isThenable(checker: ts.TypeChecker, type: ts.Type, node: ts.Node): boolean {
  const then = type.getProperty('then');
  if (!then) return false;
  const thenType = checker.getTypeOfSymbolAtLocation(then, node);
  return unionParts(thenType).some((part) =>
    part.getCallSignatures().some((signature) => {
      const [fulfilled, rejected] = signature.parameters;
      return !!fulfilled && !!rejected && acceptsFunction(checker, fulfilled, node) && acceptsFunction(checker, rejected, node);
    }),
  );
}

function acceptsFunction(checker: ts.TypeChecker, parameter: ts.Symbol, node: ts.Node): boolean {
  const type = checker.getTypeOfSymbolAtLocation(parameter, node);
  return unionParts(checker.getApparentType(type)).some((part) => part.getCallSignatures().length > 0);
}

/** A rejection handler is a function when every part of its type can be called (typescript-eslint: `getCallSignatures().length > 0`). */
function isCallable(checker: ts.TypeChecker, type: ts.Type): boolean | undefined {
  if (type.flags & UNKNOWN_FLAGS()) return undefined;
  return checker.getApparentType(type).getCallSignatures().length > 0;
}

let checkerFailures = 0;
let failuresToInject = 0;
/** For tests: the next `count` type questions throw, as a checker stack overflow would. */
export function injectCheckerFailures(count: number): void {
  failuresToInject = count;
}
function failNextQuestion(): boolean {
  if (failuresToInject <= 0) return false;
  failuresToInject--;
  return true;
}
function boom(): never {
  throw new RangeError('Maximum call stack size exceeded (injected)');
}

/** For tests: forget every cached Program and tsconfig lookup. */
export function clearTypedCache(): void {
  tsconfigByDirectory.clear();
  projects.clear();
  baseProgramBuilds = 0;
  overlayBuilds = 0;
  programBuildMs = 0;
  checkerFailures = 0;
  failuresToInject = 0;
}

/** Programs built from tsconfig files, derived Programs built for edited texts, checker failures, and build time. */
export function typedProgramStats(): { programs: number; overlays: number; checkerFailures: number; buildMs: number } {
  return { programs: baseProgramBuilds, overlays: overlayBuilds, checkerFailures, buildMs: programBuildMs };
}
