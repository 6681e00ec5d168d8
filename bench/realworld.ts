/**
 * `npm run realworld -- <checkout>... [--out sheet.md] [-- leakfix flags]`: runs
 * `leakfix transform --dry --format json` on each checkout (never writes to it) and writes a
 * review sheet: per changed hunk the file, its role (lib/context), the transform, the diff, with
 * non-test source first. Prints per-repository counts (files, changed files, hunks, hunks in test
 * code). The sheet goes outside the repository by default (the OS temp folder), because it quotes
 * the checkouts' code. BENCHMARKS.md ("Real-code corpus (issue 17)") keeps the reviewed numbers.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JsonReport } from '../lib/runner/report';

const CLI = path.join(__dirname, '..', 'bin', 'leakfix.js');

interface Hunk {
  repo: string;
  file: string;
  role: string;
  transforms: string[];
  header: string;
  text: string;
  test: boolean;
}

interface RepoCounts {
  repo: string;
  files: number;
  changedFiles: number;
  hunks: number;
  testHunks: number;
  skippedAsTests: number;
  roles: Record<string, number>;
  dependencies: number;
  failed: number;
  seconds: number;
}

function hunksOf(diff: string): Array<{ header: string; text: string }> {
  const out: Array<{ header: string; text: string }> = [];
  let current: { header: string; lines: string[] } | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('@@')) {
      if (current) out.push({ header: current.header, text: current.lines.join('\n') });
      current = { header: line, lines: [line] };
    } else if (current && !line.startsWith('diff --git') && !line.startsWith('--- ') && !line.startsWith('+++ ')) current.lines.push(line);
  }
  if (current) out.push({ header: current.header, text: current.lines.join('\n').replace(/\n+$/, '') });
  return out;
}

function runRepo(checkout: string, extra: string[]): { report: JsonReport; seconds: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, 'transform', '--dry', '--format', 'json', '--allow-dirty', '--quiet', ...extra, '.'], {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (result.status !== 0 && result.status !== 2) throw new Error(`leakfix failed on ${checkout} (exit ${result.status}): ${result.stderr}`);
  return { report: JSON.parse(result.stdout) as JsonReport, seconds: (Date.now() - started) / 1000 };
}

function main(): void {
  const args = process.argv.slice(2);
  const dash = args.indexOf('--');
  const extra = dash >= 0 ? args.slice(dash + 1) : [];
  const own = dash >= 0 ? args.slice(0, dash) : args;
  let out = path.join(os.tmpdir(), `leakfix-realworld-${new Date().toISOString().slice(0, 10)}.md`);
  const checkouts: string[] = [];
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--out' || own[i] === '-o') out = path.resolve(own[++i]);
    else checkouts.push(path.resolve(own[i]));
  }
  if (checkouts.length === 0) {
    process.stderr.write('usage: npm run realworld -- <checkout>... [--out sheet.md] [-- leakfix flags]\n');
    process.exit(3);
  }
  const hunks: Hunk[] = [];
  const manualDependencies: string[] = [];
  const counts: RepoCounts[] = [];
  for (const checkout of checkouts) {
    const repo = path.basename(checkout);
    process.stderr.write(`realworld: ${repo} ...\n`);
    const { report, seconds } = runRepo(checkout, extra);
    const repoCounts: RepoCounts = {
      repo,
      files: report.summary.found,
      changedFiles: report.summary.changed,
      hunks: 0,
      testHunks: 0,
      skippedAsTests: report.summary.skippedAsTests,
      roles: report.summary.roles,
      dependencies: report.dependencies.length,
      failed: report.summary.failed,
      seconds,
    };
    for (const file of report.files) {
      if (file.status !== 'changed' || !file.diff) continue;
      const role = file.context?.role ?? 'unknown';
      const test = role === 'test' || role === 'fixture';
      const transforms = [...new Set(file.findings.filter((f) => f.status === 'fixed').map((f) => f.transform))];
      for (const hunk of hunksOf(file.diff)) {
        hunks.push({ repo, file: file.path, role, transforms, header: hunk.header, text: hunk.text, test });
        repoCounts.hunks++;
        if (test) repoCounts.testHunks++;
      }
    }
    for (const dep of report.dependencies) {
      // A dependency the run could not add is part of the review: without it the rewritten files do not load.
      if (dep.status === 'manual' || dep.status === 'not-added') manualDependencies.push(`${repo}: ${dep.dependency} for ${dep.files.length} file(s) (${dep.files.slice(0, 3).join(', ')}${dep.files.length > 3 ? ', ...' : ''}): ${dep.status}${dep.why ? `, ${dep.why}` : ''}`);
      if (!dep.diff) continue;
      for (const hunk of hunksOf(dep.diff)) {
        hunks.push({ repo, file: dep.manifest ?? 'package.json', role: 'package.json', transforms: ['(runtime dependency)'], header: hunk.header, text: hunk.text, test: false });
        repoCounts.hunks++;
      }
    }
    counts.push(repoCounts);
  }
  hunks.sort((a, b) => Number(a.test) - Number(b.test) || a.repo.localeCompare(b.repo) || a.file.localeCompare(b.file));

  const lines: string[] = ['# leakfix real-code review sheet', '', `Generated ${new Date().toISOString()} by \`npm run realworld\`${extra.length ? ` with \`${extra.join(' ')}\`` : ''}.`, ''];
  lines.push('| repo | files | changed files | hunks | hunks in test code | skipped as tests | package.json edits | failed | roles | s |', '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const c of counts) {
    const roles = Object.entries(c.roles).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ');
    lines.push(`| ${c.repo} | ${c.files} | ${c.changedFiles} | ${c.hunks} | ${c.testHunks} | ${c.skippedAsTests} | ${c.dependencies} | ${c.failed} | ${roles} | ${c.seconds.toFixed(1)} |`);
  }
  if (manualDependencies.length > 0) {
    lines.push('', 'Runtime dependencies leakfix did not add (the rewritten files need them to load):', '', ...manualDependencies.map((line) => `- ${line}`));
  }
  lines.push('', 'Review each hunk: where does the file run, what does a failure do before and after, does the file still load? Mark it OK or WRONG (why).', '');
  hunks.forEach((hunk, i) => {
    lines.push(`## ${i + 1}. ${hunk.repo}: \`${hunk.file}\` (${hunk.role}; ${hunk.transforms.join(', ') || 'no transform'})`, '', '```diff', hunk.text, '```', '', 'Verdict: ', '');
  });
  fs.writeFileSync(out, `${lines.join('\n')}\n`);
  for (const c of counts) {
    process.stdout.write(`${c.repo}: ${c.files} files, ${c.changedFiles} changed, ${c.hunks} hunks (${c.testHunks} in test code), ${c.skippedAsTests} skipped as tests, ${c.failed} failed, ${c.seconds.toFixed(1)} s\n`);
  }
  process.stdout.write(`review sheet: ${out}\n`);
}

main();
