/**
 * `npm run bench [-- --quick] [--runs N] [--jscodeshift-runs N] [--only a,c,g] [--no-write]`
 *
 * Measures, on the same file list (bench/corpus.ts), seven runs as child processes
 * (bench/measure.ts: wall, CPU of the process tree, sampled peak RSS of the process tree):
 *   (a) leakfix transform --dry, all four transforms     (b) leakfix audit
 *   (c) jscodeshift 17, a detection-only transform        (d) jscodeshift, parse + reprint unchanged
 *   (e) @babel/parser parse of every file, one process    (f) reading every file, one process
 *   (g) ast-grep scanning for `setInterval($$$)`
 * Runs are interleaved (round 1: a..g, round 2: a..g, ...) so that load from other processes on a
 * shared machine spreads over every row instead of landing on one.
 *
 * The full run writes its table between the bench markers of BENCHMARKS.md; `--quick` (a slice of
 * about 600 files, one round) prints it and writes nothing. Never part of `npm test`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_DIR, TREE_DIR, loadCorpus, slice, sliceTree, type CorpusStats } from './corpus';
import { measure, median, type CommandSpec, type Measurement } from './measure';
import { codeVersion, DIST_ROOT, relaunchFromSnapshot, replaceSection, REPO_ROOT } from './report';
import { ensureTypedProject, TSC, type TypedProject } from './typed';

const BIN = path.join(REPO_ROOT, 'node_modules', '.bin');
const LEAKFIX = path.join(DIST_ROOT, 'bin', 'leakfix.js');
const JSCODESHIFT = path.join(REPO_ROOT, 'node_modules', 'jscodeshift', 'bin', 'jscodeshift.js');
const DIST_BENCH = path.join(DIST_ROOT, 'bench');

type RunId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h' | 'i' | 'j';
const RUN_IDS: readonly RunId[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
/** Rows on the typed project (bench/typed.ts), not on the corpus. */
const TYPED_IDS: readonly RunId[] = ['h', 'i', 'j'];

interface RunDefinition {
  id: RunId;
  title: string;
  spec: CommandSpec;
  /** Why the run cannot happen here, if it cannot. */
  unavailable?: string;
  /** Checks the run did the work (exit code, output): a failed check is reported, not hidden. */
  check(result: Measurement): string | undefined;
}

interface RunResult {
  id: RunId;
  title: string;
  command: string;
  runs: Measurement[];
  problems: string[];
  unavailable?: string;
}

interface Options {
  quick: boolean;
  runs: number;
  jscodeshiftRuns: number;
  only: Set<RunId>;
  write: boolean;
  sliceSize: number;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const runs = Number(value('--runs') ?? (quick ? 1 : 3));
  const only = new Set(((value('--only') ?? RUN_IDS.join(',')).split(',') as RunId[]).filter((id) => RUN_IDS.includes(id)));
  return {
    quick,
    runs,
    jscodeshiftRuns: Number(value('--jscodeshift-runs') ?? runs),
    only,
    write: !quick && !argv.includes('--no-write'),
    sliceSize: Number(value('--slice') ?? 600),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function exitedZero(result: Measurement): string | undefined {
  return result.exitCode === 0 ? undefined : `exit code ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`;
}

function definitions(root: string, listFile: string, fileCount: number): RunDefinition[] {
  const cores = os.availableParallelism();
  const node = process.execPath;
  const leakfixMissing = fs.existsSync(LEAKFIX) ? undefined : 'dist/bin/leakfix.js is not built yet';
  const leakfixCheck = (result: Measurement): string | undefined => {
    // 0: done, 2: some files failed (reported per file). Anything else is a failed run.
    if (result.exitCode !== 0 && result.exitCode !== 2) return exitedZero(result);
    return undefined;
  };
  const jscodeshift = (transform: string): CommandSpec => ({
    command: node,
    args: [
      JSCODESHIFT,
      '-t',
      path.join(DIST_BENCH, transform),
      '--no-babel',
      '--dry',
      '--silent',
      `--cpus=${cores}`,
      '--extensions=js,mjs,cjs,ts,tsx',
      '.',
    ],
    cwd: root,
  });
  const jscodeshiftCheck = (result: Measurement): string | undefined => exitedZero(result);
  return [
    {
      id: 'a',
      title: 'leakfix transform --dry (4 transforms)',
      spec: { command: node, args: [LEAKFIX, 'transform', '--dry', '--no-config', '--no-prettier', '--files-from', listFile], cwd: root },
      unavailable: leakfixMissing,
      check: leakfixCheck,
    },
    {
      id: 'b',
      title: 'leakfix audit',
      spec: { command: node, args: [LEAKFIX, 'audit', '--no-config', '--format', 'json', '--files-from', listFile], cwd: root },
      unavailable: leakfixMissing,
      check: leakfixCheck,
    },
    { id: 'c', title: 'jscodeshift detection transform', spec: jscodeshift('jscodeshift-detect.js'), check: jscodeshiftCheck },
    { id: 'd', title: 'jscodeshift parse + reprint (recast floor)', spec: jscodeshift('jscodeshift-reprint.js'), check: jscodeshiftCheck },
    {
      id: 'e',
      title: '@babel/parser parse, 1 process (parse floor)',
      spec: { command: node, args: [path.join(DIST_BENCH, 'floors.js'), 'parse', root, listFile], cwd: root },
      check: (result) => exitedZero(result) ?? ((JSON.parse(result.stdout) as { files: number }).files === fileCount ? undefined : 'file count differs'),
    },
    {
      id: 'f',
      title: 'read every file, 1 process (I/O floor)',
      spec: { command: node, args: [path.join(DIST_BENCH, 'floors.js'), 'read', root, listFile], cwd: root },
      check: exitedZero,
    },
    {
      id: 'g',
      title: 'ast-grep `setInterval($$$)`',
      // The tree sits under the repository's ignored bench/.corpus/: tell ast-grep not to apply
      // .gitignore files, so it walks every corpus file like the other tools.
      spec: {
        command: path.join(BIN, 'ast-grep'),
        args: ['run', '--pattern', 'setInterval($$$)', '--json=stream', '--no-ignore', 'vcs', '--no-ignore', 'parent', '.'],
        cwd: root,
      },
      // ast-grep exits 1 when nothing matched, like grep.
      check: (result) => (result.exitCode === 0 || (result.exitCode === 1 && result.stderr.trim() === '') ? undefined : exitedZero(result)),
    },
  ];
}

function typedDefinitions(project: TypedProject): RunDefinition[] {
  const node = process.execPath;
  const leakfixMissing = fs.existsSync(LEAKFIX) ? undefined : 'dist/bin/leakfix.js is not built yet';
  // Exit 0 and a summary that counts every file of the project as parsed or prefiltered: a run that found no files fails the check.
  const leakfixCheck = (result: Measurement): string | undefined =>
    exitedZero(result) ?? (new RegExp(`^leakfix transform --dry: ${project.files} files found`, 'm').test(result.stderr) ? undefined : `did not see the ${project.files} files: ${result.stderr.split('\n')[0]}`);
  return [
    {
      id: 'h',
      title: `leakfix transform --dry --typed, ${project.label}`,
      spec: { command: node, args: [LEAKFIX, 'transform', '--dry', '--typed', '--no-config', '--files-from', project.listFile], cwd: project.root },
      unavailable: leakfixMissing,
      check: leakfixCheck,
    },
    // --incremental false: the project's tsconfig sets incremental, and a tsbuildinfo left by an
    // earlier round would let tsc skip the check it is here to measure.
    { id: 'i', title: `tsc --noEmit, ${project.label}`, spec: { command: node, args: [TSC, '--noEmit', '--incremental', 'false', '-p', project.tsconfig], cwd: project.root }, check: exitedZero },
    {
      id: 'j',
      title: `leakfix transform --dry (untyped), ${project.label}`,
      spec: { command: node, args: [LEAKFIX, 'transform', '--dry', '--no-config', '--files-from', project.listFile], cwd: project.root },
      unavailable: leakfixMissing,
      check: leakfixCheck,
    },
  ];
}

/** The typed rows' table: (h) against (i), wall time and peak RSS. */
export function formatTypedTable(results: readonly RunResult[], project: TypedProject, loads: string): string {
  const byId = new Map(results.map((r) => [r.id, r]));
  const rss = (id: RunId): number | undefined => (byId.get(id)?.runs.length ? Math.max(...byId.get(id)!.runs.map((r) => r.peakRssBytes)) : undefined);
  const lines: string[] = [];
  lines.push(`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${codeVersion()}, on ${machine()}.`);
  lines.push(`Project: ${project.label} from the npm registry without its dist/ (${project.files} .ts files, its own ${project.tsconfig}). Load average (1, 5, 15 min) before / after: ${loads}.`);
  lines.push('');
  lines.push('| run | median wall | CPU (user+sys) | peak RSS (tree) | runs |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const result of results) {
    if (result.unavailable || result.runs.length === 0) {
      lines.push(`| (${result.id}) ${result.title} | – | – | – | ${result.unavailable ?? 'not run'} |`);
      continue;
    }
    const flag = result.problems.length > 0 ? ` ⚠ ${result.problems.length} failed check(s)` : '';
    lines.push(`| (${result.id}) ${result.title} | ${seconds(median(result.runs.map((r) => r.wallMs)))} s | ${seconds(median(result.runs.map((r) => r.cpuMs)))} s | ${mb(Math.max(...result.runs.map((r) => r.peakRssBytes)))} MB | ${result.runs.length}${flag} |`);
  }
  lines.push('');
  const h = medianWall(byId.get('h'));
  const i = medianWall(byId.get('i'));
  const hCpu = medianCpu(byId.get('h'));
  const iCpu = medianCpu(byId.get('i'));
  const hRss = rss('h');
  const iRss = rss('i');
  lines.push('Targets:');
  lines.push(`- (h) ÷ (i) wall ≤ 1.0: ${h && i ? `${(h / i).toFixed(2)}, ${h / i <= 1 ? 'met' : 'NOT met'}` : 'not measured'} (CPU: ${hCpu && iCpu ? (hCpu / iCpu).toFixed(2) : 'n/a'})`);
  lines.push(`- (h) peak RSS ≤ 1.3 × (i): ${hRss && iRss ? `${(hRss / iRss).toFixed(2)}×, ${hRss / iRss <= 1.3 ? 'met' : 'NOT met'}` : 'not measured'}`);
  lines.push('');
  lines.push('Commands (cwd: the unpacked project):');
  lines.push('');
  for (const result of results) lines.push(`- (${result.id}) \`${result.command}\``);
  const problems = results.flatMap((r) => r.problems.map((p) => `- (${r.id}) ${p}`));
  if (problems.length > 0) {
    lines.push('');
    lines.push('Failed checks:');
    lines.push(...[...new Set(problems)]);
  }
  return lines.join('\n');
}

function commandLine(spec: CommandSpec): string {
  const short = (arg: string): string => (path.isAbsolute(arg) ? path.relative(REPO_ROOT, arg).replace(/^\.cache\/bench-dist-\d+\//, 'dist/') || '.' : arg);
  const command = spec.command === process.execPath ? 'node' : short(spec.command);
  return [command, ...spec.args.map(short)].join(' ');
}

async function measureAll(defs: readonly RunDefinition[], options: Options): Promise<RunResult[]> {
  const results = new Map<RunId, RunResult>();
  for (const def of defs) {
    results.set(def.id, { id: def.id, title: def.title, command: commandLine(def.spec), runs: [], problems: [], unavailable: def.unavailable });
  }
  const rounds = Math.max(options.runs, options.jscodeshiftRuns);
  for (let round = 1; round <= rounds; round++) {
    for (const def of defs) {
      if (def.unavailable || !options.only.has(def.id)) continue;
      const isJscodeshift = def.id === 'c' || def.id === 'd';
      if (round > (isJscodeshift ? options.jscodeshiftRuns : options.runs)) continue;
      const result = await measure(def.spec);
      const entry = results.get(def.id)!;
      entry.runs.push(result);
      const problem = def.check(result);
      if (problem) entry.problems.push(problem);
      log(`round ${round} (${def.id}) ${def.title}: ${(result.wallMs / 1000).toFixed(2)} s wall, ${(result.cpuMs / 1000).toFixed(2)} s CPU, ${mb(result.peakRssBytes)} MB peak${problem ? `  PROBLEM: ${problem}` : ''}`);
    }
  }
  return [...results.values()];
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

function seconds(ms: number): string {
  return ms >= 100_000 ? (ms / 1000).toFixed(0) : ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2);
}

function medianWall(result: RunResult | undefined): number | undefined {
  return result && result.runs.length > 0 ? median(result.runs.map((r) => r.wallMs)) : undefined;
}

function medianCpu(result: RunResult | undefined): number | undefined {
  return result && result.runs.length > 0 ? median(result.runs.map((r) => r.cpuMs)) : undefined;
}

function ratio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined) return 'n/a';
  return `${(numerator / denominator).toFixed(2)}×`;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB memory, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function corpusLine(stats: CorpusStats, files: number, quick: boolean): string {
  const ext = Object.entries(stats.byExtension).map(([k, v]) => `${v} ${k}`).join(', ');
  if (quick) return `a slice of ${files} of the corpus's ${stats.files} files`;
  return `${stats.files} files (${ext}), ${(stats.bytes / 1e6).toFixed(1)} MB, ${stats.lines.toLocaleString('en-US')} lines, from ${stats.packages} packages`;
}

export function formatTable(results: readonly RunResult[], stats: CorpusStats, files: number, options: Options, loads: string): string {
  const byId = new Map(results.map((r) => [r.id, r]));
  const lines: string[] = [];
  lines.push(`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${codeVersion()}, on ${machine()}.`);
  lines.push(`Corpus: ${corpusLine(stats, files, options.quick)}. Load average (1, 5, 15 min) before / after: ${loads}.`);
  if (!options.quick) {
    const triggers = Object.entries(stats.triggers).map(([name, n]) => `${name} ${n}`).join(', ');
    const excluded = Object.entries(stats.excluded).map(([reason, n]) => `${reason} ${n}`).join(', ');
    lines.push(`Files containing each transform's trigger words (its \`meta.prefilter\`): ${triggers}; any of them: ${stats.anyTrigger}. Left out of the corpus: ${excluded}.`);
  }
  lines.push('');
  lines.push('| run | files/s | median wall | CPU (user+sys) | peak RSS (tree) | runs |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const result of results) {
    if (result.unavailable || result.runs.length === 0) {
      lines.push(`| (${result.id}) ${result.title} | – | – | – | – | ${result.unavailable ?? 'not run'} |`);
      continue;
    }
    const wall = median(result.runs.map((r) => r.wallMs));
    const cpu = median(result.runs.map((r) => r.cpuMs));
    const rss = Math.max(...result.runs.map((r) => r.peakRssBytes));
    const flag = result.problems.length > 0 ? ` ⚠ ${result.problems.length} failed check(s)` : '';
    lines.push(
      `| (${result.id}) ${result.title} | ${Math.round(files / (wall / 1000)).toLocaleString('en-US')} | ${seconds(wall)} s | ${seconds(cpu)} s | ${mb(rss)} MB | ${result.runs.length}${flag} |`,
    );
  }
  lines.push('');
  lines.push('Wall-time ratios (row run time ÷ column run time; below 1 means the row is faster):');
  lines.push('');
  lines.push('| | ÷ (c) jscodeshift | ÷ (e) babel parse | ÷ (g) ast-grep |');
  lines.push('|---|---:|---:|---:|');
  for (const id of ['a', 'b'] as const) {
    const wall = medianWall(byId.get(id));
    lines.push(`| (${id}) | ${ratio(wall, medianWall(byId.get('c')))} | ${ratio(wall, medianWall(byId.get('e')))} | ${ratio(wall, medianWall(byId.get('g')))} |`);
  }
  lines.push('');
  lines.push('CPU-time ratios (same, with CPU time of the whole process tree; robust to load from other processes):');
  lines.push('');
  lines.push('| | ÷ (c) jscodeshift | ÷ (e) babel parse | ÷ (g) ast-grep |');
  lines.push('|---|---:|---:|---:|');
  for (const id of ['a', 'b'] as const) {
    const cpu = medianCpu(byId.get(id));
    lines.push(`| (${id}) | ${ratio(cpu, medianCpu(byId.get('c')))} | ${ratio(cpu, medianCpu(byId.get('e')))} | ${ratio(cpu, medianCpu(byId.get('g')))} |`);
  }
  lines.push('');
  const a = medianWall(byId.get('a'));
  const c = medianWall(byId.get('c'));
  const g = medianWall(byId.get('g'));
  const aRss = byId.get('a')?.runs.length ? Math.max(...byId.get('a')!.runs.map((r) => r.peakRssBytes)) : undefined;
  lines.push(options.quick ? 'Targets (they are for the full corpus: on a slice, start-up costs weigh more):' : 'Targets:');
  lines.push(`- (a) at least 5× faster than (c): ${a && c ? `${(c / a).toFixed(1)}× faster, ${c / a >= 5 ? 'met' : 'NOT met'}` : 'not measured'}`);
  lines.push(`- (a) within 2× of (g): ${a && g ? `${(a / g).toFixed(1)}× (g)'s time, ${a / g <= 2 ? 'met' : 'NOT met'}` : 'not measured'}`);
  lines.push(`- peak RSS ≤ 1 GB with default workers: ${aRss ? `${mb(aRss)} MB, ${aRss <= 1024 ** 3 ? 'met' : 'NOT met'}` : 'not measured'}`);
  lines.push('');
  lines.push('Commands (cwd: the corpus tree):');
  lines.push('');
  for (const result of results) lines.push(`- (${result.id}) \`${result.command}\``);
  const problems = results.flatMap((r) => r.problems.map((p) => `- (${r.id}) ${p}`));
  if (problems.length > 0) {
    lines.push('');
    lines.push('Failed checks:');
    lines.push(...[...new Set(problems)]);
  }
  return lines.join('\n');
}

/** The typed rows (h, i, j), interleaved like the others, written to their own BENCHMARKS.md section. */
async function typedRows(options: Options): Promise<void> {
  const project = ensureTypedProject(log);
  log(`typed rows on ${project.label}: ${project.files} .ts files in ${path.relative(REPO_ROOT, project.root)}`);
  const before = loadAverage();
  const defs = typedDefinitions(project);
  const results = (await measureAll(defs, options)).filter((r) => TYPED_IDS.includes(r.id));
  const table = formatTypedTable(results, project, `${before} / ${loadAverage()}`);
  process.stdout.write(`${table}\n\n`);
  if (options.write) {
    replaceSection(path.join(REPO_ROOT, 'BENCHMARKS.md'), 'bench-typed', table);
    log('wrote the typed table into BENCHMARKS.md');
  }
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  codeVersion();
  if (TYPED_IDS.some((id) => options.only.has(id))) await typedRows(options);
  if (![...options.only].some((id) => !TYPED_IDS.includes(id))) return;
  const manifest = loadCorpus();
  const files = options.quick ? slice(manifest.files, options.sliceSize) : manifest.files;
  const root = options.quick ? sliceTree(files) : TREE_DIR;
  const listFile = path.join(CACHE_DIR, options.quick ? `list-${files.length}.txt` : 'list.txt');
  fs.writeFileSync(listFile, `${files.join('\n')}\n`);
  log(`${files.length} files in ${path.relative(REPO_ROOT, root)}; ${options.runs} run(s) each${options.jscodeshiftRuns !== options.runs ? `, jscodeshift ${options.jscodeshiftRuns}` : ''}`);
  const before = loadAverage();
  const results = (await measureAll(definitions(root, listFile, files.length), options)).filter((r) => !TYPED_IDS.includes(r.id));
  const table = formatTable(results, manifest.stats, files.length, options, `${before} / ${loadAverage()}`);
  fs.writeFileSync(path.join(CACHE_DIR, options.quick ? 'bench-quick.json' : 'bench.json'), JSON.stringify({ files: files.length, results }, (key, value: unknown) => (key === 'stdout' || key === 'stderr' ? undefined : value), 2));
  process.stdout.write(`${table}\n`);
  if (options.write) {
    replaceSection(path.join(REPO_ROOT, 'BENCHMARKS.md'), 'bench', table);
    log('wrote the table into BENCHMARKS.md');
  }
}

if (require.main === module && !relaunchFromSnapshot('run.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
