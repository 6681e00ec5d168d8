/**
 * After a transform run: every package.json whose files now import the runtime and that does not
 * depend on it yet gets `"@leakfix/runtime": "^<version>"` in `dependencies` (write mode), or the
 * change in the same patch (`--dry`), or is listed for the user (`--no-add-dependency`, a custom
 * runtime module, a package.json leakfix cannot edit without reformatting it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContextResolver } from '../context';
import { addDependency, runtimeRange } from '../context/manifest';
import { DEFAULT_RUNTIME_IMPORT } from '../engine';
import { unifiedDiff } from './diff';
import { dirtyFiles } from './git';
import { diffPath, hashBytes } from './process-file';
import type { FileRecord } from './records';
import { writeIfUnchanged } from './write';

export type DependencyStatus = 'added' | 'would-add' | 'manual' | 'not-added';

export interface DependencyChange {
  /** The package.json, relative to the run's cwd; undefined when the files have none. */
  manifest?: string;
  /** The module the files import. */
  dependency: string;
  /** The range added (or to add). */
  range: string;
  /** Files (cwd-relative) that now import it. */
  files: string[];
  /** `added` (written), `would-add` (in the --dry patch), `manual` (add it yourself: see `why`), `not-added` (--no-add-dependency). */
  status: DependencyStatus;
  why?: string;
  /** The package.json change as a git-apply-able diff (added / would-add). */
  diff?: string;
}

export interface DependencyPlan {
  cwd: string;
  specifier: string;
  apply: boolean;
  addDependency: boolean;
  allowDirty: boolean;
}

export function landDependencies(records: readonly FileRecord[], plan: DependencyPlan): DependencyChange[] {
  const byManifest = new Map<string, FileRecord[]>();
  for (const record of records) {
    if (record.status !== 'changed' || !record.runtimeImportAdded) continue;
    const key = record.context?.package?.manifest ?? '';
    byManifest.set(key, [...(byManifest.get(key) ?? []), record]);
  }
  const resolver = new ContextResolver();
  const range = runtimeRange();
  const changes: DependencyChange[] = [];
  for (const [manifest, files] of [...byManifest.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const change: DependencyChange = { dependency: plan.specifier, range, files: files.map((r) => r.path), status: 'manual' };
    changes.push(change);
    if (manifest === '') {
      change.why = 'no package.json above these files';
      continue;
    }
    change.manifest = manifest;
    if (plan.specifier !== DEFAULT_RUNTIME_IMPORT) {
      change.why = `custom runtime module ${plan.specifier}: make sure the package can load it`;
      continue;
    }
    const absolute = path.resolve(plan.cwd, manifest);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(absolute);
    } catch (error) {
      change.why = `cannot read it: ${(error as Error).message.split('\n')[0]}`;
      continue;
    }
    const text = bytes.toString('utf8');
    const edit = addDependency(text, plan.specifier, range);
    if (edit.kind === 'present') {
      changes.pop();
      continue;
    }
    if (edit.kind === 'manual') {
      change.why = edit.why;
      continue;
    }
    if (!plan.addDependency) {
      change.status = 'not-added';
      change.why = '--no-add-dependency';
      continue;
    }
    change.diff = unifiedDiff(diffPath(absolute, plan.cwd, resolver), text, edit.text);
    if (!plan.apply) {
      change.status = 'would-add';
      continue;
    }
    if (!files.some((r) => r.written)) {
      change.status = 'manual';
      change.why = 'the files that import it were not written';
      continue;
    }
    const root = resolver.gitRoot(path.dirname(absolute));
    if (!plan.allowDirty && root && dirtyFiles(root)?.has(absolute)) {
      change.why = 'package.json has uncommitted changes (--allow-dirty writes it)';
      continue;
    }
    const outcome = writeIfUnchanged(absolute, edit.text, hashBytes(bytes));
    if (outcome.ok) change.status = 'added';
    else change.why = outcome.message;
  }
  return changes;
}
