/**
 * One table of parser settings for both parses leakfix does:
 *  - the fast detection parse (plain @babel/parser, no tokens), run on every candidate file;
 *  - the recast parse (same options plus tokens), run only on files that will change.
 * Because both come from here, detectors see the same AST shape in `audit` and `transform`.
 */
import { parse as babelParse, type ParserOptions, type ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';

export type ParserName = 'babel' | 'ts' | 'tsx' | 'flow';
export const PARSER_NAMES: readonly ParserName[] = ['babel', 'ts', 'tsx', 'flow'];

const COMMON_PLUGINS: ParserPlugin[] = [
  'asyncGenerators',
  'decoratorAutoAccessors',
  'bigInt',
  'classPrivateMethods',
  'classPrivateProperties',
  'classProperties',
  'classStaticBlock',
  'doExpressions',
  'dynamicImport',
  'exportDefaultFrom',
  'exportNamespaceFrom',
  'functionBind',
  'functionSent',
  'importAttributes',
  // `import x from 'y' assert { type: 'json' }`: the older spelling TypeScript still accepts.
  'deprecatedImportAssert',
  'importMeta',
  'nullishCoalescingOperator',
  'numericSeparator',
  'objectRestSpread',
  'optionalCatchBinding',
  'optionalChaining',
  'topLevelAwait',
  'explicitResourceManagement',
  'throwExpressions',
];

const PLUGINS: Record<ParserName, ParserPlugin[]> = {
  babel: ['jsx', 'decorators-legacy', ...COMMON_PLUGINS],
  ts: ['typescript', 'decorators-legacy', ...COMMON_PLUGINS],
  tsx: ['jsx', 'typescript', 'decorators-legacy', ...COMMON_PLUGINS],
  // `all: false`, Babel's default: `f<T>(x)` is a call with type arguments only in a file with a
  // @flow pragma (as preset-flow and flow-strip-types read it), two comparisons elsewhere.
  flow: ['jsx', ['flow', { all: false }], 'flowComments', 'decorators-legacy', ...COMMON_PLUGINS],
};

export function babelOptions(parser: ParserName, tokens: boolean): ParserOptions {
  return {
    sourceType: 'unambiguous',
    allowImportExportEverywhere: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowNewTargetOutsideFunction: true,
    allowSuperOutsideMethod: true,
    allowUndeclaredExports: true,
    errorRecovery: false,
    startLine: 1,
    tokens,
    plugins: PLUGINS[parser],
  };
}

const FLOW_PRAGMA = /^\s*(?:\/\/|\/\*|\*)\s*@flow\b/m;

/** Picks the parser for a file: by extension, with `@flow` files on the flow grammar. */
export function parserForFile(filePath: string, source: string, override?: ParserName): ParserName {
  if (override) return override;
  const lower = filePath.toLowerCase();
  if (lower.endsWith('.tsx')) return 'tsx';
  if (/\.[mc]?ts$/.test(lower)) return 'ts';
  // Only the file's header counts: a pragma must come before code.
  if (FLOW_PRAGMA.test(source.slice(0, 2048))) return 'flow';
  return 'babel';
}

/**
 * Babel errors that TypeScript accepts: `const x: T;` in a declaration file or another ambient
 * context Babel does not see as one, and duplicate parameter names (legal in sloppy-mode simple
 * parameter lists; TypeScript parses them and reports at most a diagnostic). A file whose only
 * errors are these is parsed again with error recovery and used as is.
 */
const TOLERATED_ERRORS = new Set(['DeclarationMissingInitializer', 'ParamDupe']);

function parseTolerant(source: string, options: ParserOptions): ReturnType<typeof babelParse> {
  try {
    return babelParse(source, options);
  } catch (error) {
    const code = (error as { reasonCode?: string }).reasonCode;
    if (code === undefined || !TOLERATED_ERRORS.has(code)) throw error;
    const recovered = babelParse(source, { ...options, errorRecovery: true });
    const other = (recovered.errors ?? []).find((e) => !TOLERATED_ERRORS.has((e as { reasonCode?: string }).reasonCode ?? ''));
    if (other) throw other;
    return recovered;
  }
}

/** The fast parse used for detection. Throws a SyntaxError with `loc` on bad input. */
export function parseForDetection(source: string, parser: ParserName): File {
  return parseTolerant(source, babelOptions(parser, false)) as unknown as File;
}

/** A parser object in the shape recast and jscodeshift accept (`{ parse(source) }`). */
export function recastParser(parser: ParserName): { parse(source: string): unknown } {
  const options = babelOptions(parser, true);
  return { parse: (source: string) => parseTolerant(source, options) };
}
