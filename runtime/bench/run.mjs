#!/usr/bin/env node
// `npm run bench:runtime`: what the runtime costs, each figure as a ratio to its baseline.
//   per tick:  a supervised run of a no-op vs a bare setInterval callback doing the same
//   per track: track(p) with creation sites off, per name (the default) and on every call, vs
//              p.catch(() => {}), whole calls (creating and settling the promise included) and what
//              each adds on top of a bare Promise.resolve(i), measured in the same rounds; per name
//              with a new name on every call (the worst case); and the stack capture alone, the
//              floor under a creation site
//   per await: an `await` in a process running supervised tasks vs a plain process (child processes),
//              and, for reference, one with AsyncLocalStorage promise hooks on (what 0.1.0 turned on)
//   bundle:    esbuild, minified, gzipped, per entry point, against the README budget
// Timings are medians of several rounds; the machine's noise shows in their spread, so the load
// average is printed with them. `--only track` runs the track figures alone.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BUDGET, bundleSizes } from './bundle-sizes.mjs';

const RUNTIME_DIR = fileURLToPath(new URL('..', import.meta.url));
// The figures are for the default outside production (creation sites per name).
delete process.env.NODE_ENV;
const runtime = await import('@leakfix/runtime');
runtime.setLogger({ info() {}, warn() {}, error() {} });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ns = (value) => `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ns`;
// A difference of medians can come out ≤ 0 on a noisy machine: no ratio to print then.
const ratio = (value, base) => (base > 0 ? `${(value / base).toFixed(2)}×` : 'n/a (baseline ≤ 0: noise)');
const flushMacrotask = () => new Promise((resolve) => setImmediate(resolve));

/** ns per operation of `body(n)` (which does n operations), median of `rounds`. */
async function measure(body, n, rounds = 7) {
  const samples = [];
  await body(Math.min(n, 2000)); // warm up
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    await body(n);
    samples.push(Number(process.hrtime.bigint() - started) / n);
  }
  return median(samples);
}

// ---- per track ----
// Batches of 200 (a burst of requests), each settled before the next; baseline and runtime rounds
// are interleaved so that machine noise hits both alike.
const TRACKS = 40_000;
const BATCH = 200;
const noop = () => undefined;
// One `await` after a batch runs every settle reaction queued by it (they were queued first), so
// the figure covers the call and the settling, without timer or I/O latency.
const batches = (step) => async (n) => {
  for (let done = 0; done < n; done += BATCH) {
    for (let i = 0; i < BATCH; i++) step(i);
    await null;
  }
};
const resolveOnly = batches((i) => Promise.resolve(i));
const catchOnly = batches((i) => Promise.resolve(i).catch(noop));
const trackOnly = batches((i) => runtime.track(Promise.resolve(i), 'bench'));
// The worst case for creation sites per name: a name built from an id never repeats.
let unique = 0;
const trackNewNames = batches((i) => runtime.track(Promise.resolve(i), `bench-${unique++}`));
// The floor under creation sites: the stack capture track() makes (two frames, nothing formatted),
// alone, from a function in the same place as track().
const keep = new Array(BATCH);
function captureLikeTrack(promise) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 2;
  const error = new Error();
  Error.stackTraceLimit = limit;
  return [promise, error];
}
const captureOnly = batches((i) => (keep[i] = captureLikeTrack(Promise.resolve(i))));
/**
 * ns per operation of each variant, rounds interleaved, medians: wall time (the figures) and the
 * process's CPU time (user + system; on a loaded machine it leaves out the time spent descheduled).
 */
async function interleavedTimes(variants, n, rounds = 9) {
  const wall = variants.map(() => []);
  const cpu = variants.map(() => []);
  for (const variant of variants) {
    variant.before?.();
    await variant.body(Math.min(n, 2000));
  }
  for (let round = 0; round < rounds; round++) {
    for (const [index, variant] of variants.entries()) {
      variant.before?.();
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      await variant.body(n);
      wall[index].push(Number(process.hrtime.bigint() - started) / n);
      const used = process.cpuUsage(cpuBefore);
      cpu[index].push(((used.user + used.system) * 1000) / n);
    }
  }
  return { wall: wall.map(median), cpu: cpu.map(median) };
}
const interleaved = async (variants, n, rounds) => (await interleavedTimes(variants, n, rounds)).wall;
const loadBefore = loadavg()[0];
const trackTimes = await interleavedTimes(
  [
    { body: resolveOnly },
    { body: catchOnly },
    { body: trackOnly, before: () => runtime.setCreationSites(false) },
    // The default as an app gets it (per name: NODE_ENV is not 'production' here, see the top).
    { body: trackOnly, before: () => runtime.setCreationSites(undefined) },
    { body: trackOnly, before: () => runtime.setCreationSites(true) },
    { body: trackNewNames, before: () => runtime.setCreationSites('per-name') },
    { body: captureOnly },
  ],
  TRACKS,
);
const [resolveNs, catchNs, trackOffNs, trackNameNs, trackEveryNs, trackNewNameNs, captureNs] = trackTimes.wall;
const [resolveCpu, catchCpu, trackOffCpu, trackNameCpu, trackEveryCpu, trackNewNameCpu, captureCpu] = trackTimes.cpu;
runtime.setCreationSites(undefined);
const ONLY_TRACK = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'track';
// What each call adds to creating and settling the promise: the targets are ≤ 300 ns
// without creation sites and ≤ 2 µs with them, next to what `.catch()` adds.
const catchAdds = catchNs - resolveNs;
const catchCpuAdds = catchCpu - resolveCpu;
const addsRow = (label, value, base) => [label, ns(value - base), ratio(value - base, catchAdds), `.catch() adds ${ns(catchAdds)} to Promise.resolve(i) ${ns(base)}`];
const cpuRow = (label, value) => [label, ns(value - resolveCpu), ratio(value - resolveCpu, catchCpuAdds), `.catch() adds ${ns(catchCpuAdds)} (CPU) to ${ns(resolveCpu)}`];
const trackRows = [
  ['per track, creation sites off', ns(trackOffNs), ratio(trackOffNs, catchNs), `p.catch(() => {}) ${ns(catchNs)}`],
  ['per track, creation sites per name (default)', ns(trackNameNs), ratio(trackNameNs, catchNs), `p.catch(() => {}) ${ns(catchNs)}`],
  ['per track, creation sites on every call', ns(trackEveryNs), ratio(trackEveryNs, catchNs), `p.catch(() => {}) ${ns(catchNs)}`],
  addsRow('track adds, creation sites off (target ≤ 300 ns)', trackOffNs, resolveNs),
  addsRow('track adds, sites per name (target ≤ 2000 ns)', trackNameNs, resolveNs),
  addsRow('track adds, sites on every call', trackEveryNs, resolveNs),
  addsRow('track adds, sites per name, a new name each call', trackNewNameNs, resolveNs),
  addsRow('V8 stack capture alone (2 frames), adds', captureNs, resolveNs),
  cpuRow('track adds, sites off, CPU time', trackOffCpu),
  cpuRow('track adds, sites per name, CPU time', trackNameCpu),
  cpuRow('track adds, sites every call, CPU time', trackEveryCpu),
  cpuRow('V8 stack capture alone, adds, CPU time', captureCpu),
];

if (ONLY_TRACK) {
  printTable(trackRows);
  process.exit(0);
}

// ---- per tick ----
// The interval's callback is captured (a fake setInterval) and called directly, so the figures
// are the runtime's own work per tick, not the timer's.
const TICKS = 20_000;
let captured;
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;
globalThis.setInterval = (callback) => {
  captured = callback;
  return 1;
};
globalThis.clearInterval = () => undefined;
const task = runtime.supervise('bench-tick', noop, { everyMs: 1000 });
const tick = captured;
globalThis.setInterval = realSetInterval;
globalThis.clearInterval = realClearInterval;
const settle = async () => {
  for (let hop = 0; hop < 8; hop++) await null;
};
const supervisedTicks = async (n) => {
  for (let i = 0; i < n; i++) {
    tick();
    await settle();
  }
};
let inFlight = false;
const bareTicks = async (n) => {
  for (let i = 0; i < n; i++) {
    // What a careful hand-written interval does: no overlap, errors caught.
    if (!inFlight) {
      inFlight = true;
      Promise.resolve()
        .then(noop)
        .catch(noop)
        .then(() => (inFlight = false));
    }
    await settle();
  }
};
const [bareTickNs, supervisedTickNs] = await interleaved([{ body: bareTicks }, { body: supervisedTicks }], TICKS, 5);
if (task.runs < TICKS * 5) throw new Error(`only ${task.runs} runs for ${TICKS} ticks`);
await task.stop();

// ---- per await (child processes: the cost, if any, is process-wide) ----
const AWAITS = 2_000_000;
const awaitScript = (setup) => `
  ${setup}
  async function loop(n) { for (let i = 0; i < n; i++) await null; }
  await loop(100000);
  const samples = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    await loop(${AWAITS});
    samples.push(Number(process.hrtime.bigint() - started) / ${AWAITS});
  }
  samples.sort((a, b) => a - b);
  console.log(samples[2]);
  process.exit(0);
`;
const awaitNs = (setup) => {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', awaitScript(setup)], { cwd: RUNTIME_DIR, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim());
};
const plainAwait = awaitNs('');
const runtimeAwait = awaitNs(`
  const { supervise, setLogger } = await import('@leakfix/runtime');
  setLogger({ info() {}, warn() {}, error() {} });
  let stopped;
  const self = supervise('awaits', async () => { await null; stopped = await self.stop(); }, { everyMs: 1, runImmediately: true });
  supervise('ticking', async () => { await null; }, { everyMs: 1, runImmediately: true, unref: true });
  while (!stopped) await new Promise((resolve) => setTimeout(resolve, 1));
`);
const alsAwait = awaitNs(`
  const { AsyncLocalStorage } = await import('node:async_hooks');
  new AsyncLocalStorage().run({}, () => undefined);
`);

// ---- bundle sizes ----
const sizes = await bundleSizes();

const rows = [
  ...trackRows,
  ['per tick (supervised no-op run)', ns(supervisedTickNs), ratio(supervisedTickNs, bareTickNs), `hand-written no-overlap tick ${ns(bareTickNs)}`],
  ['per await, runtime running tasks', ns(runtimeAwait), ratio(runtimeAwait, plainAwait), `plain process ${ns(plainAwait)}`],
  ['per await, AsyncLocalStorage on (0.1.0 did this)', ns(alsAwait), ratio(alsAwait, plainAwait), `plain process ${ns(plainAwait)}`],
];
for (const [name, size] of Object.entries(sizes)) {
  rows.push([`bundle: ${name}`, `${(size.gzipped / 1000).toFixed(2)} kB gz (${(size.minified / 1000).toFixed(1)} kB min)`, ratio(size.gzipped, BUDGET[name]), `budget ${(BUDGET[name] / 1000).toFixed(1)} kB gz`]);
}
printTable(rows);

function printTable(table) {
  const widths = [0, 1, 2, 3].map((column) => Math.max(...table.map((row) => row[column].length), ['figure', 'value', 'ratio', 'baseline'][column].length));
  const line = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const load = `load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`;
  console.log(`@leakfix/runtime bench (Node ${process.version}, ${load})\n`);
  console.log(line(['figure', 'value', 'ratio', 'baseline']));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of table) console.log(line(row));
}
