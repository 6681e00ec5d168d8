/**
 * Runs eslint-plugin-leakfix (the built workspace, loaded as a user's config would load it) with
 * ESLint's own Linter, for the rule and fixture suites.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { ESLint, Linter } from 'eslint';
import { REPO_ROOT } from '../helpers/paths';

export type LeakfixPlugin = ESLint.Plugin & { rules: NonNullable<ESLint.Plugin['rules']>; configs: Record<'recommended' | 'strict', Linter.Config> };

// The plugin is its own workspace, built after this package: load it at run time, by name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const plugin = require('eslint-plugin-leakfix') as LeakfixPlugin;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const eslint = require('eslint') as typeof import('eslint');
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const typescriptParser = require('@typescript-eslint/parser') as Linter.Parser;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const babelParser = require('@babel/eslint-parser') as Linter.Parser;

export type ParserChoice = 'espree' | 'typescript' | 'babel';

export interface LintSetup {
  transform: string;
  options?: Record<string, unknown>;
  runtimeImport?: string;
  fixRuntime?: boolean;
  parser?: ParserChoice;
  /** As the file's own tooling would set it; ESLint's default is `module`. */
  sourceType?: 'module' | 'script' | 'commonjs';
}

function languageOptions(parser: ParserChoice, filename: string): Linter.Config['languageOptions'] {
  const jsx = /\.[jt]sx$/.test(filename);
  if (parser === 'typescript') return { parser: typescriptParser, parserOptions: { ecmaFeatures: { jsx } } };
  if (parser === 'babel') {
    const plugins = /\.tsx?$/.test(filename) ? ['typescript', ...(jsx ? ['jsx'] : [])] : ['jsx'];
    return { parser: babelParser, parserOptions: { requireConfigFile: false, babelOptions: { babelrc: false, configFile: false, parserOpts: { plugins } } } };
  }
  return { parserOptions: { ecmaFeatures: { jsx } } };
}

export function lintConfig(setup: LintSetup, filename: string): Linter.Config[] {
  return [
    {
      files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'],
      plugins: { leakfix: plugin },
      languageOptions: { ...languageOptions(setup.parser ?? 'typescript', filename), ...(setup.sourceType ? { sourceType: setup.sourceType } : {}) },
      settings: { leakfix: { fixRuntime: setup.fixRuntime ?? true, ...(setup.runtimeImport ? { runtimeImport: setup.runtimeImport } : {}) } },
      rules: { [`leakfix/${setup.transform}`]: ['error', setup.options ?? {}] },
    },
  ];
}

/**
 * ESLint wants absolute names. A fixture's relative path (`src/x.ts`) is placed in a folder with no
 * package.json above it, so where it runs is decided by its path and text alone, as the fixture
 * suite's engine runs decide it (under this repository it would be a file of the published
 * `leakfix` library). Absolute paths (typed fixtures with their tsconfig) stay as they are.
 */
export function lintFilename(filePath: string): string {
  return path.isAbsolute(filePath) ? filePath : path.join(LINT_ROOT, filePath);
}

const LINT_ROOT = path.join(os.tmpdir(), 'leakfix-lint-fixtures');

export function newLinter(): Linter {
  return new eslint.Linter({ configType: 'flat', cwd: '/' });
}
