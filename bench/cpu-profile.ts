/**
 * A V8 CPU profile of `leakfix transform --dry` on a slice of the corpus, in the main thread
 * (`--jobs 0`, so one profile holds all the work), summarised by self time:
 *   node dist/bench/cpu-profile.js [--slice N] [--top K]
 * Groups: each node_modules package by name, each leakfix source file by path, V8/GC entries.
 * The raw .cpuprofile stays in .cache/cpuprof/ (open it in Chrome DevTools for the call tree).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, TREE_DIR, loadCorpus, slice } from './corpus';
import { DIST_ROOT, REPO_ROOT } from './report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function groupOf(url: string): string {
  if (!url) return '(V8: program, GC, idle)';
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const parts = url.slice(inModules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const file = url.replace(/^file:\/\//, '');
  return `leakfix ${file.startsWith(`${DIST_ROOT}/`) ? file.slice(DIST_ROOT.length + 1) : file}`;
}

export function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfByNode) {
    const frame = byId.get(id)!.callFrame;
    total += micros;
    const group = groupOf(frame.url);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
    const fn = `${frame.functionName || '(anonymous)'} ${group}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  }
  const rows = (map: Map<string, number>): string[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `| ${name} | ${(micros / 1e6).toFixed(2)} | ${((100 * micros) / total).toFixed(1)}% |`);
  return [
    `Total sampled: ${(total / 1e6).toFixed(1)} s`,
    '',
    '| self time by package / file | s | share |',
    '|---|---:|---:|',
    ...rows(byGroup),
    '',
    '| self time by function | s | share |',
    '|---|---:|---:|',
    ...rows(byFunction),
  ].join('\n');
}

function main(): void {
  const argv = process.argv.slice(2);
  const value = (name: string, fallback: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const manifest = loadCorpus();
  const files = slice(manifest.files, Number(value('--slice', '1500')));
  const listFile = path.join(CACHE_DIR, `list-profile-${files.length}.txt`);
  fs.writeFileSync(listFile, `${files.join('\n')}\n`);
  const outDir = path.join(REPO_ROOT, '.cache', 'cpuprof');
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = spawnSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${outDir}`, path.join(DIST_ROOT, 'bin', 'leakfix.js'), 'transform', '--dry', '--no-config', '--no-prettier', '-q', '--jobs', '0', '--files-from', listFile],
    { cwd: TREE_DIR, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0 && result.status !== 2) throw new Error(`leakfix exited with ${result.status}`);
  const [profileFile] = fs.readdirSync(outDir).filter((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(fs.readFileSync(path.join(outDir, profileFile), 'utf8')) as CpuProfile;
  process.stdout.write(`${files.length} files, leakfix transform --dry --jobs 0\n${summarise(profile, Number(value('--top', '25')))}\n`);
}

if (require.main === module) main();
