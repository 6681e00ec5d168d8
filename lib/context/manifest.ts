/**
 * The runtime dependency that lands with a change: `"@leakfix/runtime": "^<version>"` added to a
 * package.json's `dependencies`, the way npm writes the file (its indentation, line endings and
 * final newline kept, the top-level key order kept, dependencies in npm's sorted order).
 * Files that are not in npm's own layout are left for the user (they would be reformatted).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ManifestEdit = { kind: 'edit'; text: string } | { kind: 'present' } | { kind: 'manual'; why: string };

/** npm sorts dependency names with localeCompare in the `en` locale. */
function npmCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

function detectIndent(text: string): string | number {
  const match = /^\{\r?\n([ \t]+)"/.exec(text);
  if (!match) return 2;
  return match[1].startsWith('\t') ? '\t' : match[1].length;
}

/** The package.json text with `name@range` in `dependencies`, or why it cannot be added by leakfix. */
export function addDependency(text: string, name: string, range: string): ManifestEdit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { kind: 'manual', why: 'package.json is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'manual', why: 'package.json is not a JSON object' };
  const manifest = parsed as Record<string, unknown>;
  for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    const deps = manifest[key];
    if (typeof deps === 'object' && deps !== null && name in deps) return { kind: 'present' };
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = detectIndent(text);
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const finalNewline = /\r?\n$/.test(text) ? eol : '';
  const render = (value: unknown): string => bom + JSON.stringify(value, null, indent).replace(/\n/g, eol) + finalNewline;
  if (render(manifest) !== text) return { kind: 'manual', why: 'package.json is not in npm\'s layout (it would be reformatted)' };

  const existing = manifest.dependencies;
  if (existing !== undefined && (typeof existing !== 'object' || existing === null || Array.isArray(existing))) {
    return { kind: 'manual', why: '"dependencies" is not an object' };
  }
  const deps = { ...((existing as Record<string, string> | undefined) ?? {}) };
  const names = Object.keys(deps);
  const sorted = names.every((n, i) => i === 0 || npmCompare(names[i - 1], n) <= 0);
  const entries = Object.entries(deps);
  if (sorted) {
    const at = entries.findIndex(([n]) => npmCompare(n, name) > 0);
    entries.splice(at < 0 ? entries.length : at, 0, [name, range]);
  } else entries.push([name, range]);
  const next: Record<string, unknown> = {};
  let placed = false;
  for (const [key, value] of Object.entries(manifest)) {
    if (key === 'dependencies') {
      next.dependencies = Object.fromEntries(entries);
      placed = true;
    } else next[key] = value;
  }
  if (!placed) next.dependencies = Object.fromEntries(entries);
  return { kind: 'edit', text: render(next) };
}

/** `^<version>` of the @leakfix/runtime this leakfix ships with (its runtime/ workspace). */
export function runtimeRange(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    for (const manifest of [path.join(dir, 'runtime', 'package.json'), path.join(dir, 'node_modules', '@leakfix', 'runtime', 'package.json')]) {
      if (!fs.existsSync(manifest)) continue;
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === '@leakfix/runtime' && parsed.version) return `^${parsed.version}`;
    }
    if (path.dirname(dir) === dir) return '*';
  }
}
