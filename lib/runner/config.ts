/**
 * Project configuration: `leakfix.config.json`, or a `"leakfix"` key in package.json, looked up
 * from the run's cwd upwards to the repository root. Flags override it. Every key is checked, and
 * an invalid config is a usage error that names the bad key.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PARSER_NAMES, type ParserName } from '../parsers';
import { validateRuleOptions, type LeakRule } from '../rule';
import { UsageError } from './errors';
import { findGitRoot } from './git';

export interface LeakfixConfig {
  transforms?: string[];
  skip?: string[];
  include?: string[];
  exclude?: string[];
  extensions?: string[];
  runtimeImport?: string;
  parser?: ParserName;
  maxSize?: number;
  /** Format changed files with the repository's own Prettier (default true). */
  prettier?: boolean;
  /** Transform test and fixture files too. */
  includeTests?: boolean;
  /** Allow fixes that add the runtime in published library packages. */
  runtimeInLibraries?: boolean;
  /** Allow fixes that add the runtime in browser code. */
  runtimeInBrowser?: boolean;
  /** Add the runtime to the nearest package.json's dependencies when a written file needs it (default true). */
  addDependency?: boolean;
  /** Per-transform option values, keyed by transform name. */
  options?: Record<string, Record<string, unknown>>;
}

export interface LoadedConfig {
  config: LeakfixConfig;
  /** Where it came from, for messages (`leakfix.config.json`, `package.json#leakfix`). */
  source?: string;
}

export const CONFIG_FILE = 'leakfix.config.json';
const KEYS = ['$schema', 'transforms', 'skip', 'include', 'exclude', 'extensions', 'runtimeImport', 'parser', 'maxSize', 'prettier', 'includeTests', 'runtimeInLibraries', 'runtimeInBrowser', 'addDependency', 'options'] as const;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024, g: 1024 ** 3, gb: 1024 ** 3 };

/** `1mb`, `500kb`, `2048`: a size in bytes, or undefined when the text is not one. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const size = Math.floor(Number(match[1]) * unit);
  return size > 0 ? size : undefined;
}

/** `a,b` or `['a', 'b']` → `['a', 'b']`. */
export function listValue(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? [value] : value;
  return parts.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a config object; rule options are checked later, against the rules. */
export function validateConfig(raw: unknown, where: string): LeakfixConfig {
  if (!isPlainObject(raw)) throw new UsageError(`${where}: the configuration must be a JSON object`);
  const config: LeakfixConfig = {};
  const bad = (key: string, expected: string): never => {
    throw new UsageError(`${where}: "${key}" must be ${expected}, got ${JSON.stringify(raw[key])}`);
  };
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case '$schema':
        break;
      case 'transforms':
      case 'skip':
      case 'include':
      case 'exclude':
        if (!isStringList(value)) bad(key, 'an array of strings');
        config[key] = value as string[];
        break;
      case 'extensions':
        if (typeof value === 'string') config.extensions = listValue(value);
        else if (isStringList(value)) config.extensions = listValue(value);
        else bad(key, 'an array of extensions such as ["js", "ts"]');
        break;
      case 'runtimeImport':
        if (typeof value !== 'string' || value.trim() === '') bad(key, 'a module specifier string');
        config.runtimeImport = value as string;
        break;
      case 'parser':
        if (typeof value !== 'string' || !PARSER_NAMES.includes(value as ParserName)) bad(key, `one of ${PARSER_NAMES.join(', ')}`);
        config.parser = value as ParserName;
        break;
      case 'maxSize': {
        const size = typeof value === 'number' || typeof value === 'string' ? parseSize(value) : undefined;
        if (size === undefined) bad(key, 'a size such as 1048576 or "1mb"');
        config.maxSize = size;
        break;
      }
      case 'prettier':
      case 'includeTests':
      case 'runtimeInLibraries':
      case 'runtimeInBrowser':
      case 'addDependency':
        if (typeof value !== 'boolean') bad(key, 'true or false');
        config[key] = value as boolean;
        break;
      case 'options': {
        if (!isPlainObject(value)) bad(key, 'an object keyed by transform name');
        const options: Record<string, Record<string, unknown>> = {};
        for (const [transform, values] of Object.entries(value as Record<string, unknown>)) {
          if (!isPlainObject(values)) throw new UsageError(`${where}: "options.${transform}" must be an object of option values`);
          options[transform] = values;
        }
        config.options = options;
        break;
      }
      default:
        throw new UsageError(`${where}: unknown key "${key}" (valid: ${KEYS.filter((k) => k !== '$schema').join(', ')})`);
    }
  }
  return config;
}

/** Checks `options` against the rules' declared options and the transform names. */
export function validateConfigOptions(options: Record<string, Record<string, unknown>>, rules: readonly LeakRule[], where: string): void {
  for (const [name, values] of Object.entries(options)) {
    const rule = rules.find((r) => r.meta.name === name);
    if (!rule) throw new UsageError(`${where}: "options.${name}": unknown transform (valid: ${rules.map((r) => r.meta.name).join(', ')})`);
    const errors = validateRuleOptions(rule.meta, values, `${where}: options.${name}`);
    if (errors.length > 0) throw new UsageError(errors[0]);
  }
}

function readJson(file: string, display: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${display}: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${display} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Finds and validates the configuration; `explicit` is a `--config` path. */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!fs.existsSync(file)) throw new UsageError(`config file not found: ${explicit}`);
    return { config: validateConfig(readJson(file, explicit), explicit), source: explicit };
  }
  const stop = findGitRoot(cwd);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const display = (name: string): string => path.relative(cwd, path.join(dir, name)) || name;
    const configFile = path.join(dir, CONFIG_FILE);
    if (fs.existsSync(configFile)) {
      const where = display(CONFIG_FILE);
      return { config: validateConfig(readJson(configFile, where), where), source: where };
    }
    const packageFile = path.join(dir, 'package.json');
    if (fs.existsSync(packageFile)) {
      const where = display('package.json');
      const manifest = readJson(packageFile, where);
      if (isPlainObject(manifest) && manifest.leakfix !== undefined) {
        return { config: validateConfig(manifest.leakfix, `${where}#leakfix`), source: `${where}#leakfix` };
      }
    }
    if (dir === stop || path.dirname(dir) === dir) return { config: {} };
  }
}
