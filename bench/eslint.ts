/**
 * `npm run bench:eslint [-- --slice N] [--runs N] [--no-write]`
 *
 * What eslint-plugin-leakfix costs a lint run, on a slice of the pinned npm corpus (bench/corpus.ts),
 * three runs as child processes interleaved round by round (bench/measure.ts):
 *   (h) ESLint 9 alone: @eslint/js recommended, typescript-eslint's parser for TS files
 *   (i) the same plus eslint-plugin-leakfix's `strict` config (all four rules)
 *   (j) `leakfix audit` on the same files
 * The plugin's cost is (i) − (h) per file; (j) says what the same detection costs in leakfix's own
 * runner. Writes its table between the eslint-bench markers of BENCHMARKS.md unless --no-write.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_DIR, loadCorpus, slice, sliceTree } from './corpus';
import { measure, median, type CommandSpec, type Measurement } from './measure';
import { codeVersion, DIST_ROOT, replaceSection, REPO_ROOT } from './report';

const ESLINT = path.join(REPO_ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const LEAKFIX = path.join(DIST_ROOT, 'bin', 'leakfix.js');

function config(withPlugin: boolean): string {
  return `const js = require(${JSON.stringify(require.resolve('@eslint/js', { paths: [path.dirname(ESLINT)] }))});
const tsParser = require(${JSON.stringify(require.resolve('@typescript-eslint/parser', { paths: [REPO_ROOT] }))});
${withPlugin ? `const leakfix = require(${JSON.stringify(path.join(REPO_ROOT, 'plugins', 'eslint-plugin-leakfix'))});\n` : ''}
module.exports = [
  { files: ['**/*.{js,mjs,cjs,ts,tsx}'], ...js.configs.recommended },
  { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tsParser } },
  { files: ['**/*.{js,mjs,cjs,ts,tsx}'], linterOptions: { reportUnusedDisableDirectives: 'off' } },
${withPlugin ? "  { files: ['**/*.{js,mjs,cjs,ts,tsx}'], ...leakfix.configs.strict },\n" : ''}];
`;
}

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function log(message: string): void {
  process.stderr.write(`[bench:eslint] ${message}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = Number(arg(argv, '--runs') ?? 3);
  const sliceSize = Number(arg(argv, '--slice') ?? 2000);
  const version = codeVersion();
  const manifest = loadCorpus();
  const files = slice(manifest.files, sliceSize);
  const root = sliceTree(files);
  const listFile = path.join(CACHE_DIR, `eslint-list-${files.length}.txt`);
  fs.writeFileSync(listFile, `${files.join('\n')}\n`);
  const alone = path.join(CACHE_DIR, 'eslint-alone.config.cjs');
  const withPlugin = path.join(CACHE_DIR, 'eslint-leakfix.config.cjs');
  fs.writeFileSync(alone, config(false));
  fs.writeFileSync(withPlugin, config(true));
  // ESLint exits 1 when it found problems (it does, on published code): only 2 is a failed run.
  const eslintRun = (configFile: string): CommandSpec => ({
    command: process.execPath,
    args: [ESLINT, '--no-config-lookup', '--config', configFile, '--format', 'json', '--output-file', path.join(os.tmpdir(), `leakfix-bench-eslint-${path.basename(configFile)}.json`), '.'],
    cwd: root,
  });
  const defs: Array<{ id: string; title: string; spec: CommandSpec; ok(m: Measurement): boolean }> = [
    { id: 'h', title: 'ESLint alone (@eslint/js recommended)', spec: eslintRun(alone), ok: (m) => m.exitCode === 0 || m.exitCode === 1 },
    { id: 'i', title: 'ESLint + eslint-plugin-leakfix strict', spec: eslintRun(withPlugin), ok: (m) => m.exitCode === 0 || m.exitCode === 1 },
    {
      id: 'j',
      title: 'leakfix audit',
      spec: { command: process.execPath, args: [LEAKFIX, 'audit', '--no-config', '--format', 'json', '--files-from', listFile], cwd: root },
      ok: (m) => m.exitCode === 0 || m.exitCode === 1 || m.exitCode === 2,
    },
  ];
  const walls = new Map<string, number[]>(defs.map((d) => [d.id, []]));
  const cpus = new Map<string, number[]>(defs.map((d) => [d.id, []]));
  for (let round = 1; round <= runs; round++) {
    for (const def of defs) {
      const result = await measure(def.spec);
      if (!def.ok(result)) throw new Error(`${def.title} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      walls.get(def.id)!.push(result.wallMs);
      cpus.get(def.id)!.push(result.cpuMs);
      log(`round ${round} (${def.id}) ${def.title}: ${(result.wallMs / 1000).toFixed(2)} s wall, ${(result.cpuMs / 1000).toFixed(2)} s CPU`);
    }
  }
  const wall = (id: string): number => median(walls.get(id)!);
  const cpu = (id: string): number => median(cpus.get(id)!);
  const perFile = (ms: number): string => `${((ms / files.length) * 1000).toFixed(0)} µs`;
  const rows = defs.map((d) => `| (${d.id}) ${d.title} | ${(wall(d.id) / 1000).toFixed(2)} s | ${(cpu(d.id) / 1000).toFixed(2)} s | ${perFile(cpu(d.id))} |`);
  const table = [
    `ESLint plugin cost, ${files.length} corpus files (every ${Math.round(manifest.files.length / files.length)}th of ${manifest.files.length}), medians of ${runs} interleaved rounds, ${version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
    '',
    '| run | wall | CPU | CPU per file |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Added by the plugin: ${perFile(cpu('i') - cpu('h'))} CPU per file ((i) − (h)), ${((cpu('i') / cpu('h') - 1) * 100).toFixed(0)}% over ESLint alone; ` +
      `the same detection in leakfix's runner (j): ${perFile(cpu('j'))} per file.`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (!argv.includes('--no-write')) replaceSection(path.join(REPO_ROOT, 'BENCHMARKS.md'), 'eslint-bench', table);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
