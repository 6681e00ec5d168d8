/**
 * CODEOWNERS, the way GitHub reads it: the first of `.github/CODEOWNERS`, `CODEOWNERS` and
 * `docs/CODEOWNERS` that exists; one pattern and its owners per line; the LAST matching line wins;
 * a matching line with no owners leaves the file unowned. Patterns follow gitignore's rules as
 * GitHub documents them (matched with picomatch): a leading `/` or a `/` inside anchors to the
 * root, otherwise the pattern matches at any depth; a trailing `/` matches a directory's contents;
 * `docs/*` matches direct children only; `\#` escapes a leading `#`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';

export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  matches(repoPath: string): boolean;
}

export interface Codeowners {
  /** Relative to the repository root; undefined when there is no CODEOWNERS file. */
  file?: string;
  rules: CodeownersRule[];
}

/** picomatch globs for one CODEOWNERS pattern. */
export function codeownersGlobs(pattern: string): string[] {
  let p = pattern.startsWith('\\#') ? pattern.slice(1) : pattern;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  const anchored = p.startsWith('/') || p.includes('/');
  p = p.replace(/^\/+/, '');
  if (p === '' ) return ['**'];
  const base = anchored ? p : `**/${p}`;
  if (dirOnly) return [`${base}/**`];
  // `docs/*` owns docs/a.md but not docs/sub/b.md (GitHub's documented difference from gitignore).
  if (p.endsWith('/*')) return [base];
  return [base, `${base}/**`];
}

export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = line.split(/\s+/);
    const pattern = tokens[0];
    const owners: string[] = [];
    for (const token of tokens.slice(1)) {
      if (token.startsWith('#')) break;
      owners.push(token);
    }
    const isMatch = picomatch(codeownersGlobs(pattern), { dot: true });
    rules.push({ pattern, owners, line: index + 1, matches: (p) => isMatch(p) });
  });
  return rules;
}

export function loadCodeowners(root: string): Codeowners {
  for (const location of CODEOWNERS_LOCATIONS) {
    const file = path.join(root, location);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return { file: location, rules: parseCodeowners(fs.readFileSync(file, 'utf8')) };
  }
  return { rules: [] };
}

/** The owners of a path relative to the repository root (last match wins); [] when unowned. */
export function ownersOf(codeowners: Codeowners, repoPath: string): string[] {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    if (codeowners.rules[i].matches(repoPath)) return codeowners.rules[i].owners;
  }
  return [];
}
