/**
 * The typed rows of `npm run bench`: leakfix's typed mode beside `tsc --noEmit` on the same
 * TypeScript project, in the same run.
 *
 * The project is a pinned npm package that ships its .ts sources and tsconfig.json
 * (bench/typed-project.json: rxjs 7.8.2, 251 .ts files), unpacked with `npm pack` into
 * bench/.corpus/typed/ without its compiled `dist/`, so that `tsc -p tsconfig.json` and leakfix
 * see exactly the same files. Rows:
 *   (h) leakfix transform --dry --typed (every transform, the Program built once, one thread)
 *   (i) tsc --noEmit --incremental false -p tsconfig.json (the tsconfig sets incremental; a
 *       tsbuildinfo from an earlier round would let tsc skip the check)
 *   (j) leakfix transform --dry without types, for reference
 * Target (issue 12): (h) no slower than (i), and within 1.3× of its peak RSS.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR } from './corpus';
import { REPO_ROOT } from './report';

interface TypedProjectSpec {
  package: string;
  version: string;
  tsconfig: string;
  remove: string[];
}

export interface TypedProject {
  root: string;
  tsconfig: string;
  label: string;
  files: number;
  /** The project's .ts files, one per line, for `--files-from` (the folder is under the repository's ignored bench/.corpus/). */
  listFile: string;
}

const SPEC_FILE = path.join(REPO_ROOT, 'bench', 'typed-project.json');
export const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsFiles(root: string, dir = root): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...tsFiles(root, full));
    else if (/\.tsx?$/.test(entry.name)) found.push(path.relative(root, full));
  }
  return found.sort();
}

/** Unpacks the pinned package once (npm pack + tar), without the folders the spec removes. */
export function ensureTypedProject(log: (message: string) => void): TypedProject {
  const spec = JSON.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as TypedProjectSpec;
  const label = `${spec.package}@${spec.version}`;
  const base = path.join(CACHE_DIR, 'typed');
  const root = path.join(base, label.replace(/[/@]/g, '_'));
  if (!fs.existsSync(path.join(root, spec.tsconfig))) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(base, { recursive: true });
    log(`npm pack ${label}`);
    const pack = spawnSync('npm', ['pack', label, '--pack-destination', base, '--silent'], { encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack ${label} failed: ${pack.stderr}`);
    const tarball = path.join(base, pack.stdout.trim().split('\n').pop()!);
    const unpacked = path.join(base, 'unpack');
    fs.rmSync(unpacked, { recursive: true, force: true });
    fs.mkdirSync(unpacked);
    const tar = spawnSync('tar', ['xzf', tarball, '-C', unpacked]);
    if (tar.status !== 0) throw new Error(`tar xzf ${tarball} failed`);
    fs.renameSync(path.join(unpacked, 'package'), root);
    fs.rmSync(unpacked, { recursive: true, force: true });
    fs.rmSync(tarball, { force: true });
    for (const folder of spec.remove) fs.rmSync(path.join(root, folder), { recursive: true, force: true });
  }
  for (const leftover of fs.readdirSync(root).filter((name) => name.endsWith('.tsbuildinfo'))) fs.rmSync(path.join(root, leftover));
  const files = tsFiles(root);
  const listFile = path.join(base, `${path.basename(root)}.list.txt`);
  fs.writeFileSync(listFile, `${files.join('\n')}\n`);
  return { root, tsconfig: spec.tsconfig, label, files: files.length, listFile };
}
