/**
 * The default `leakfix audit` output: sites grouped by file, then totals by grade, by disposition
 * and by pattern, then the baseline and gate verdict. Colours only when asked (a TTY).
 */
import pc from 'picocolors';
import { GRADES, sortedCounts, type AuditSite } from '../report';
import { plural } from '../../text';
import { dispositionLabel, gradeLabel, type FormatInput } from './shared';

type Colors = ReturnType<typeof pc.createColors>;

export interface TerminalOptions {
  color: boolean;
}

function gradeColor(colors: Colors, grade: AuditSite['grade']): (text: string) => string {
  return grade === 'red' ? colors.red : grade === 'yellow' ? colors.yellow : colors.green;
}

function siteLines(input: FormatInput, colors: Colors): string[] {
  const lines: string[] = [];
  const { sites } = input.report;
  const locWidth = Math.max(0, ...sites.map((s) => `${s.line}:${s.column}`.length));
  const idWidth = Math.max(0, ...sites.map((s) => `${s.transform}/${s.pattern}`.length));
  const dispWidth = Math.max(0, ...sites.map((s) => dispositionLabel(s).length));
  let currentPath: string | undefined;
  for (const site of sites) {
    if (site.path !== currentPath) {
      if (currentPath !== undefined) lines.push('');
      lines.push(colors.underline(site.path));
      currentPath = site.path;
    }
    const loc = colors.dim(`${site.line}:${site.column}`.padEnd(locWidth));
    const grade = gradeColor(colors, site.grade)(gradeLabel(site.grade).padEnd(6));
    const id = `${site.transform}/${site.pattern}`.padEnd(idWidth);
    const disposition = dispositionLabel(site).padEnd(dispWidth);
    const state = input.gate.states.get(site);
    const tag = state === 'new' && input.gate.hasBaseline ? ` ${colors.bold('new')}` : state === 'unchanged' ? ` ${colors.dim('baselined')}` : '';
    lines.push(`  ${loc}  ${grade}  ${id}  ${disposition}  ${site.message}${tag}`);
  }
  return lines;
}

function table(rows: string[][], alignRight: (column: number) => boolean): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (alignRight(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

function totalsLines(input: FormatInput, colors: Colors): string[] {
  const { totals, patterns } = input.report;
  const lines: string[] = [];
  lines.push(colors.bold(`${plural(totals.sites, 'lifecycle site')} in ${totals.filesWithSites} of ${plural(totals.files, 'file')}`));
  lines.push(
    `  ${GRADES.map((g) => gradeColor(colors, g)(`${gradeLabel(g)} ${totals.grades[g]}`)).join('   ')}`,
  );
  const d = totals.dispositions;
  lines.push(`  fixable ${d.fixable}   manual ${d.manual}   managed ${d.managed}   ignored ${d.ignored}`);
  const open = totals.grades.red + totals.grades.yellow;
  if (open > 0) lines.push(`  ${d.fixable} of ${open} RED/YELLOW ${open === 1 ? 'site is' : 'sites are'} fixable by \`leakfix transform\``);
  const reasons = sortedCounts(totals.reasons);
  if (reasons.length > 0) lines.push(`  manual reasons: ${reasons.map(([r, n]) => `${r} ${n}`).join(', ')}`);
  if (patterns.length > 0) {
    lines.push('', colors.bold('By pattern'));
    const rows = [
      ['pattern', 'RED', 'YELLOW', 'GREEN', 'fixable', 'manual', 'ignored'],
      ...patterns.map((p) => [p.id, ...[p.grades.red, p.grades.yellow, p.grades.green, p.dispositions.fixable, p.dispositions.manual, p.dispositions.ignored].map(String)]),
    ];
    lines.push(...table(rows, (c) => c > 0).map((line) => `  ${line}`));
  }
  return lines;
}

function problemLines(input: FormatInput, colors: Colors): string[] {
  const { errors } = input.report;
  if (errors.length === 0) return [];
  return [
    colors.bold(colors.red(`${plural(errors.length, 'file')} could not be audited`)),
    ...errors.map((e) => `  ${e.path}  ${e.reason}${e.transform ? ` (${e.transform})` : ''}  ${e.message}`),
  ];
}

function gateLines(input: FormatInput, colors: Colors): string[] {
  const { gate } = input;
  const lines: string[] = [];
  if (gate.hasBaseline) {
    const stale = gate.stale.length > 0 ? `, ${plural(gate.stale.length, 'baseline entry', 'baseline entries')} no longer found` : '';
    lines.push(`Baseline: ${gate.baselinedSites.length} accepted, ${gate.newSites.length} new${stale}`);
  }
  if (gate.failOn) {
    const threshold = gate.failOn === 'red' ? 'RED' : 'RED or YELLOW';
    lines.push(
      gate.passed
        ? colors.green(`Gate passed: no new ${threshold} findings`)
        : colors.red(colors.bold(`Gate failed: ${plural(gate.failing.length, `new ${threshold} finding`)}`)),
    );
  }
  return lines;
}

export function formatTerminal(input: FormatInput, options: TerminalOptions): string {
  const colors = pc.createColors(options.color);
  const sections = [siteLines(input, colors), problemLines(input, colors), totalsLines(input, colors), gateLines(input, colors)].filter((s) => s.length > 0);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
