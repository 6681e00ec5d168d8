/**
 * `npm run differential -- [--transform cleanup-to-finally|break-to-return] [--seeds N | --from A --to B] [--per-file K] [--quiet]`:
 * the differential tester on demand, larger than the fixed seed set `npm test` runs.
 * Exit 1 when any divergence is found.
 */
import { formatReport, runDifferential } from './harness';
import { DIFFERENTIAL_SUITES } from './suites';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const transform = arg('transform', 'cleanup-to-finally');
  const from = Number(arg('from', '0'));
  const to = Number(arg('to', String(from + Number(arg('seeds', process.env.LEAKFIX_DIFF_SEEDS ?? '400')) - 1)));
  const perFile = Number(arg('per-file', '25'));
  const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const suite = DIFFERENTIAL_SUITES[transform];
  if (!suite) throw new Error(`no generator for ${transform} (known: ${Object.keys(DIFFERENTIAL_SUITES).join(', ')})`);
  const report = await runDifferential({ ...suite(perFile), seeds });
  process.stdout.write(formatReport(report, !process.argv.includes('--quiet')) + '\n');
  process.exitCode = report.divergences.length > 0 ? 1 : 0;
}

void main();
