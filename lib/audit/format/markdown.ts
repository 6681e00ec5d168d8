/**
 * `--format markdown`: a report a reviewer reads. A summary table by grade, a table by pattern,
 * then one section per pattern: what it is, every site, and why the manual ones are manual.
 */
import { GRADES, sortedCounts, type AuditSite, type PatternTotals } from '../report';
import { markdownCell, plural } from '../../text';
import { dispositionLabel, gradeLabel, patternDescription, reasonDescription, type FormatInput } from './shared';

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** GitHub's heading anchor for `## \`a/b\``: lowercase, punctuation other than - and _ dropped. */
function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

function summary(input: FormatInput): string[] {
  const { totals } = input.report;
  const lines = [
    `${plural(totals.sites, 'lifecycle site')} in ${totals.filesWithSites} of ${plural(totals.files, 'file')} audited.`,
    '',
    '| Grade | Sites | Fixable | Manual | Managed | Ignored |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const grade of GRADES) {
    const sites = input.report.sites.filter((s) => s.grade === grade);
    const count = (d: AuditSite['disposition']): number => sites.filter((s) => s.disposition === d).length;
    lines.push(`| ${gradeLabel(grade)} | ${sites.length} | ${count('fixable')} | ${count('manual')} | ${count('managed')} | ${count('ignored')} |`);
  }
  const d = totals.dispositions;
  lines.push(`| **Total** | **${totals.sites}** | **${d.fixable}** | **${d.manual}** | **${d.managed}** | **${d.ignored}** |`);
  const reasons = sortedCounts(totals.reasons);
  if (reasons.length > 0) lines.push('', `Manual sites by reason: ${reasons.map(([r, n]) => `${code(r)} ${n}`).join(', ')}.`);
  return lines;
}

function gateSummary(input: FormatInput): string[] {
  const { gate } = input;
  const lines: string[] = [];
  if (gate.hasBaseline) {
    lines.push(`Baseline: ${gate.baselinedSites.length} accepted, **${gate.newSites.length} new**, ${gate.stale.length} no longer found.`);
  }
  if (gate.failOn) {
    const threshold = gate.failOn === 'red' ? 'RED' : 'RED or YELLOW';
    lines.push(gate.passed ? `Gate (\`--fail-on ${gate.failOn}\`): passed.` : `Gate (\`--fail-on ${gate.failOn}\`): **failed**, ${plural(gate.failing.length, `new ${threshold} finding`)}.`);
  }
  return lines.length > 0 ? ['', ...lines] : [];
}

function patternTable(patterns: readonly PatternTotals[]): string[] {
  if (patterns.length === 0) return [];
  return [
    '## By pattern',
    '',
    '| Pattern | RED | YELLOW | GREEN | Fixable | Manual | Ignored |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...patterns.map(
      (p) =>
        `| [${code(p.id)}](#${anchor(p.id)}) | ${p.grades.red} | ${p.grades.yellow} | ${p.grades.green} | ${p.dispositions.fixable} | ${p.dispositions.manual} | ${p.dispositions.ignored} |`,
    ),
  ];
}

function patternSection(input: FormatInput, pattern: PatternTotals): string[] {
  const description = patternDescription(input.catalog, pattern.transform, pattern.pattern);
  const sites = input.report.sites.filter((s) => s.transform === pattern.transform && s.pattern === pattern.pattern);
  const withBaseline = input.gate.hasBaseline;
  const lines = [`## ${code(pattern.id)}`, ''];
  if (description) lines.push(description, '');
  lines.push(
    `Transform ${code(pattern.transform)}. ${plural(pattern.total, 'site')}: ${pattern.grades.red} RED, ${pattern.grades.yellow} YELLOW, ${pattern.grades.green} GREEN; ${pattern.dispositions.fixable} fixable, ${pattern.dispositions.manual} manual.`,
    '',
    withBaseline ? '| Location | Grade | Status | Baseline | Finding |' : '| Location | Grade | Status | Finding |',
    withBaseline ? '| --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- |',
  );
  for (const site of sites) {
    const columns = [code(`${site.path}:${site.line}:${site.column}`), gradeLabel(site.grade), dispositionLabel(site)];
    if (withBaseline) columns.push(input.gate.states.get(site) ?? '');
    columns.push(markdownCell(site.message));
    lines.push(`| ${columns.join(' | ')} |`);
  }
  const reasons = sortedCounts(pattern.reasons);
  if (reasons.length > 0) {
    lines.push('', 'Why the manual sites are left alone:', '');
    for (const [reason, count] of reasons) {
      const why = reasonDescription(input.catalog, pattern.transform, reason);
      lines.push(`- ${code(reason)} (${count})${why ? `: ${why}` : ''}`);
    }
  }
  return lines;
}

function problems(input: FormatInput): string[] {
  const { errors } = input.report;
  if (errors.length === 0) return [];
  return [
    '## Not audited',
    '',
    ...errors.map((e) => `- ${code(e.path)}: ${e.reason}${e.transform ? ` in ${code(e.transform)}` : ''}${e.message ? `: ${markdownCell(e.message)}` : ''}`),
  ];
}

export function formatMarkdown(input: FormatInput): string {
  const blocks = [
    ['# leakfix audit', '', ...summary(input), ...gateSummary(input)],
    patternTable(input.report.patterns),
    ...input.report.patterns.map((p) => patternSection(input, p)),
    problems(input),
  ].filter((b) => b.length > 0);
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
