/**
 * The target repository's own Prettier, for files leakfix changed. leakfix never ships or depends
 * on Prettier: it is resolved from the changed file's folder (the target project's node_modules),
 * with the target's configuration and `.prettierignore`. A changed file is formatted only when
 * all of these hold; otherwise only the changed lines differ from the original:
 *  - Prettier resolves from the file's folder and a Prettier configuration applies to the file
 *    (a `.prettierrc*`, `prettier.config.*` or a `"prettier"` key in package.json);
 *  - `.prettierignore` does not ignore the file and Prettier has a parser for it;
 *  - the original text was Prettier-clean (`prettier --check` would pass), so formatting the new
 *    text changes nothing but the lines leakfix wrote.
 * Works with Prettier 2 (synchronous API) and 3 (asynchronous). The module and the configuration
 * are looked up once per folder and per run.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The part of Prettier's API (2.x and 3.x) used here. */
interface PrettierApi {
  version: string;
  format(source: string, options: Record<string, unknown>): string | Promise<string>;
  check(source: string, options: Record<string, unknown>): boolean | Promise<boolean>;
  resolveConfig(filePath: string, options?: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  resolveConfigFile(filePath?: string): Promise<string | null>;
  getFileInfo(filePath: string, options?: Record<string, unknown>): Promise<{ ignored: boolean; inferredParser: string | null }>;
}

export type PrettierVerdict =
  /** Formatted with the repository's Prettier (`version`); `output` is the formatted text. */
  | { kind: 'formatted'; output: string; version: string }
  /** Left as leakfix printed it, and why (`no-prettier`, `no-config`, `ignored`, `not-clean`, `failed`). */
  | { kind: 'skipped'; reason: string; message?: string };

const modules = new Map<string, PrettierApi | null>();
const configs = new Map<string, Promise<{ options: Record<string, unknown> } | null>>();

/** The Prettier installed for `dir` (resolved the way Node would from a file there), or null. */
export function prettierFor(dir: string): PrettierApi | null {
  const cached = modules.get(dir);
  if (cached !== undefined) return cached;
  let api: PrettierApi | null = null;
  try {
    const requireHere = createRequire(path.join(dir, '__leakfix__.js'));
    const loaded = requireHere(requireHere.resolve('prettier')) as PrettierApi & { default?: PrettierApi };
    const candidate = typeof loaded.format === 'function' ? loaded : loaded.default;
    if (candidate && typeof candidate.format === 'function' && typeof candidate.resolveConfig === 'function') api = candidate;
  } catch {
    api = null;
  }
  modules.set(dir, api);
  return api;
}

/** The nearest `.prettierignore` from `dir` up to the repository root (or the filesystem root). */
function prettierIgnoreFor(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const candidate = path.join(current, '.prettierignore');
    if (fs.existsSync(candidate)) return candidate;
    if (fs.existsSync(path.join(current, '.git')) || path.dirname(current) === current) return undefined;
  }
}

/** The Prettier options for files in `dir`, or null when no Prettier configuration applies there. */
function configFor(prettier: PrettierApi, filePath: string): Promise<{ options: Record<string, unknown> } | null> {
  // Overrides in the configuration depend on the file name, so the key is the file's folder plus
  // its extension and base name only when the config has overrides; caching per file is simplest.
  const key = `${prettier.version}\0${filePath}`;
  let pending = configs.get(key);
  if (!pending) {
    pending = (async () => {
      const configFile = await prettier.resolveConfigFile(filePath);
      if (!configFile) return null;
      const options = await prettier.resolveConfig(filePath, { editorconfig: true });
      return options ? { options } : null;
    })();
    configs.set(key, pending);
  }
  return pending;
}

/**
 * Formats `output` (the new text of `absolutePath`, whose text was `original`) with the
 * repository's Prettier when the rules above allow it. Never throws.
 */
export async function formatWithRepositoryPrettier(absolutePath: string, original: string, output: string): Promise<PrettierVerdict> {
  const dir = path.dirname(absolutePath);
  const prettier = prettierFor(dir);
  if (!prettier) return { kind: 'skipped', reason: 'no-prettier' };
  try {
    const config = await configFor(prettier, absolutePath);
    if (!config) return { kind: 'skipped', reason: 'no-config' };
    const ignorePath = prettierIgnoreFor(dir);
    const info = await prettier.getFileInfo(absolutePath, ignorePath ? { ignorePath } : {});
    if (info.ignored) return { kind: 'skipped', reason: 'ignored' };
    if (!info.inferredParser && config.options.parser === undefined) return { kind: 'skipped', reason: 'no-parser' };
    const options = { ...config.options, filepath: absolutePath };
    if (!(await prettier.check(original, options))) return { kind: 'skipped', reason: 'not-clean' };
    const formatted = await prettier.format(output, options);
    return { kind: 'formatted', output: formatted, version: prettier.version };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { kind: 'skipped', reason: 'failed', message };
  }
}
