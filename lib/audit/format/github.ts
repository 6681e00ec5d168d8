/**
 * `--format github`: GitHub Actions workflow commands, so RED and YELLOW sites show up as error
 * and warning annotations on the pull request. With a baseline, only new sites are annotated.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { AuditSite } from '../report';
import { plural } from '../../text';
import { advice, gradeLabel, type FormatInput } from './shared';

/** The message part of a workflow command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=`, `title=`): also `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(site: AuditSite, input: FormatInput): string {
  const command = site.grade === 'red' ? 'error' : 'warning';
  const properties = [
    `file=${escapeProperty(site.path)}`,
    `line=${site.line}`,
    `col=${site.column}`,
    `endLine=${site.endLine}`,
    `endColumn=${site.endColumn}`,
    `title=${escapeProperty(`leakfix ${gradeLabel(site.grade)} ${site.transform}/${site.pattern}`)}`,
  ];
  return `::${command} ${properties.join(',')}::${escapeData(`${site.message} (${advice(site, input.catalog)})`)}`;
}

export function formatGithub(input: FormatInput): string {
  const { report, gate } = input;
  const annotated = report.sites.filter((site) => site.grade !== 'green' && site.disposition !== 'ignored' && (!gate.hasBaseline || gate.states.get(site) === 'new'));
  const lines = annotated.map((site) => annotation(site, input));
  for (const error of report.errors) {
    lines.push(`::error file=${escapeProperty(error.path)},title=${escapeProperty(`leakfix ${error.reason}`)}::${escapeData(error.message || error.reason)}`);
  }
  const { grades, dispositions } = report.totals;
  let summary = `${plural(report.totals.sites, 'lifecycle site')}: RED ${grades.red}, YELLOW ${grades.yellow}, GREEN ${grades.green}; ${dispositions.fixable} fixable, ${dispositions.manual} manual`;
  if (gate.hasBaseline) summary += `; ${gate.newSites.length} new since the baseline`;
  if (gate.failOn) summary += gate.passed ? '; gate passed' : `; gate failed (${gate.failing.length} new at --fail-on ${gate.failOn})`;
  lines.push(`::notice title=leakfix audit::${escapeData(summary)}`);
  return `${lines.join('\n')}\n`;
}
