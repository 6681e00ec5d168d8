/**
 * Where leakfix's time goes, phase by phase, in one process (no workers), on the corpus:
 *   node dist/bench/profile.js [--slice N] [--top K]
 * For every file: read, the runner's generated/minified check, the rules' prefilters, the fast
 * parse, the shared analyses (AST index, comments; scopes when a rule builds them), each rule's
 * detect, and, for files with a fixable site, the whole transform (whose extra over detection is
 * the recast re-parse, the fixes, printing and the output re-parse). Prints totals, hit rates and the slowest files per phase.
 * Times are CPU time of this process (process.cpuUsage), so load from other processes does not
 * count. A diagnostic for BENCHMARKS.md, not a benchmark: timings include the instrumentation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { processSource } from '../lib/engine';
import { parseForDetection, parserForFile } from '../lib/parsers';
import { isTestPath } from '../lib/context';
import { RuleContext, RuleOptions, SharedAnalysis, optionSpecs, type LeakRule } from '../lib/rule';
import { generatedVerdict } from '../lib/runner/content';
import { ScopeAnalysis } from '../lib/analysis/scope';
import { RULES } from '../transforms';
import { TREE_DIR, loadCorpus, slice } from './corpus';

interface Timing {
  total: number;
  count: number;
  slowest: Array<{ file: string; ms: number }>;
}

const timings = new Map<string, Timing>();

/** CPU time, not wall time: on a shared machine the wall clock also counts other processes. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function time<T>(phase: string, file: string, fn: () => T): T {
  const started = cpuMs();
  try {
    return fn();
  } finally {
    const ms = cpuMs() - started;
    let timing = timings.get(phase);
    if (!timing) timings.set(phase, (timing = { total: 0, count: 0, slowest: [] }));
    timing.total += ms;
    timing.count++;
    timing.slowest.push({ file, ms });
    if (timing.slowest.length > 200) timing.slowest = timing.slowest.sort((a, b) => b.ms - a.ms).slice(0, 20);
  }
}

function options(rule: LeakRule): RuleOptions {
  return new RuleOptions(optionSpecs(rule.meta), {});
}

function prefilterOf(rule: LeakRule): RegExp {
  return rule.meta.prefilterFor?.(options(rule)) ?? rule.meta.prefilter;
}

function stripPrefix(text: string): string {
  let body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.startsWith('#!')) body = body.slice(body.indexOf('\n') + 1);
  return body;
}

function main(): void {
  const argv = process.argv.slice(2);
  const sliceArg = argv.indexOf('--slice');
  const topArg = argv.indexOf('--top');
  const top = topArg >= 0 ? Number(argv[topArg + 1]) : 8;
  const manifest = loadCorpus();
  const files = sliceArg >= 0 ? slice(manifest.files, Number(argv[sliceArg + 1])) : manifest.files;
  const counts = { files: files.length, generated: 0, noPrefilter: 0, parsed: 0, parseErrors: 0, withFixable: 0, changed: 0 };
  const hits: Record<string, number> = Object.fromEntries(RULES.map((r) => [r.meta.name, 0]));
  const wallStarted = performance.now();
  const cpuStarted = cpuMs();
  for (const file of files) {
    const text = time('1 read', file, () => fs.readFileSync(path.join(TREE_DIR, file), 'utf8'));
    if (time('2 generated check', file, () => generatedVerdict(text))) {
      counts.generated++;
      continue;
    }
    const body = stripPrefix(text);
    const testFile = isTestPath(file);
    const rules = time('3 prefilters', file, () =>
      RULES.filter((rule) => {
        if (rule.meta.skipsTestFiles && testFile) return false;
        const prefilter = prefilterOf(rule);
        prefilter.lastIndex = 0;
        return prefilter.test(body);
      }),
    );
    if (rules.length === 0) {
      counts.noPrefilter++;
      continue;
    }
    for (const rule of rules) hits[rule.meta.name]++;
    const parser = parserForFile(file, body);
    let ast;
    try {
      ast = time('4 parse (babel, no tokens)', file, () => parseForDetection(body, parser));
    } catch {
      counts.parseErrors++;
      continue;
    }
    counts.parsed++;
    const shared = time('5a AST index', file, () => new SharedAnalysis(ast));
    // The engine always reads the comment index (leakfix-ignore); scopes are built lazily, only
    // when a rule asks, so they are timed inside the rules' detect and attributed below.
    time('5b comments', file, () => shared.comments);
    let fixable = false;
    for (const rule of rules) {
      const ctx = new RuleContext({ file: ast, source: body, filePath: file, parser, options: options(rule), runtimeImport: '@leakfix/runtime', mode: 'detect', shared });
      try {
        const sites = time(`6 detect ${rule.meta.name}`, file, () => rule.detect(ctx));
        if (sites.some((s) => s.status === 'fixable')) fixable = true;
      } catch {
        // Reported by the sweep; here only time matters.
      }
    }
    if ((shared as unknown as { scopeAnalysis?: unknown }).scopeAnalysis !== undefined) {
      // Built during detect (and counted there): time a fresh build to attribute its share.
      time('5c scopes (built lazily by a rule; already inside 6)', file, () => new ScopeAnalysis(ast));
    }
    if (!fixable) continue;
    counts.withFixable++;
    const outcome = time('7 transform (whole engine, files with a fixable site)', file, () =>
      processSource(file, text, { rules: RULES, mode: 'transform', runtimeImport: '@leakfix/runtime' }),
    );
    if (outcome.status === 'changed') counts.changed++;
  }
  const wall = performance.now() - wallStarted;
  const lines: string[] = [];
  lines.push(`${counts.files} files in ${(wall / 1000).toFixed(1)} s wall, ${((cpuMs() - cpuStarted) / 1000).toFixed(1)} s CPU (one process): ${JSON.stringify(counts)}`);
  lines.push(`prefilter hits (files sent to the parser for each rule): ${JSON.stringify(hits)}`);
  lines.push('');
  lines.push('| phase (CPU time) | files | total s | mean ms | share |');
  lines.push('|---|---:|---:|---:|---:|');
  // The lazily built scopes are already inside the detect rows: leave them out of the sum.
  const sum = [...timings.entries()].filter(([phase]) => !phase.startsWith('5c')).reduce((a, [, t]) => a + t.total, 0);
  for (const [phase, t] of [...timings.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    lines.push(`| ${phase} | ${t.count} | ${(t.total / 1000).toFixed(2)} | ${(t.total / t.count).toFixed(2)} | ${((100 * t.total) / sum).toFixed(1)}% |`);
  }
  lines.push('');
  for (const [phase, t] of timings) {
    if (!phase.startsWith('4') && !phase.startsWith('5') && !phase.startsWith('6') && !phase.startsWith('7')) continue;
    const slowest = t.slowest.sort((a, b) => b.ms - a.ms).slice(0, top);
    lines.push(`slowest in ${phase}: ${slowest.map((s) => `${s.file} ${s.ms.toFixed(0)} ms`).join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
