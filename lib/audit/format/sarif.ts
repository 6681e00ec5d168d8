/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif).
 *
 * - one run; `tool.driver.rules` declares every pattern of every transform (so code scanning can
 *   tell "ran and found nothing" from "unknown rule" and close fixed alerts), with help text from
 *   the rules' `meta.patterns` and `meta.reasons`;
 * - one result per RED (level `error`) or YELLOW (level `warning`) site; GREEN sites are the
 *   inventory, not alerts, and `leakfix-ignore`d sites are left out (code scanning does not honour
 *   SARIF suppressions);
 * - `partialFingerprints` carry the line-independent leakfix fingerprint, `baselineState` the
 *   baseline verdict when `--baseline` is given;
 * - files that could not be audited become `toolExecutionNotifications`.
 */
import { patternId, type AuditSite } from '../report';
import { advice, allPatternIds, gradeLabel, patternDescription, type FormatInput } from './shared';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key under `partialFingerprints`; bump the suffix if the fingerprint recipe changes. */
export const FINGERPRINT_KEY = 'leakfix/v1';

interface SarifMessage {
  text: string;
  markdown?: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { tags: string[] };
}

interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string };
    region?: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning';
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  baselineState?: 'new' | 'unchanged';
  properties: Record<string, string>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri?: string; rules: SarifRule[] } };
    invocations: Array<{
      executionSuccessful: boolean;
      toolExecutionNotifications: Array<{ level: 'error'; message: SarifMessage; locations: SarifLocation[]; descriptor: { id: string } }>;
    }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }>;
}

/** `supervise-intervals/dropped-interval` → `SuperviseIntervalsDroppedInterval`. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/** SARIF artifact URIs: forward slashes, each segment percent-encoded (spaces, `#`, `%`). */
export function artifactUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function ruleFor(input: FormatInput, transform: string, pattern: string): SarifRule {
  const id = patternId(transform, pattern);
  const entry = input.catalog.get(transform);
  const description = patternDescription(input.catalog, transform, pattern) ?? `${pattern} (${transform})`;
  const reasons = Object.entries(entry?.reasons ?? {});
  const transformSummary = entry?.description ? `: ${entry.description.replace(/\.\s*$/, '')}` : '';
  const helpText = [
    description,
    '',
    `Found by the ${transform} transform${transformSummary}.`,
    `RED: not managed. YELLOW: managed on some paths only. Sites marked fixable are rewritten by \`leakfix transform -t ${transform}\`; the others are left for a person, with a reason:`,
    ...reasons.map(([code, why]) => `- ${code}: ${why}`),
  ];
  const helpMarkdown = [
    `**${description}**`,
    '',
    `Found by the \`${transform}\` transform${transformSummary}.`,
    '',
    `- **RED**: not managed on any path; **YELLOW**: managed on some paths only.`,
    `- Fixable sites are rewritten by \`npx leakfix transform -t ${transform}\`.`,
    ...(reasons.length > 0 ? ['', 'Sites leakfix leaves for a person, by reason:', '', ...reasons.map(([code, why]) => `- \`${code}\`: ${why}`)] : []),
  ];
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: description.split(/(?<=\.)\s/)[0] },
    fullDescription: { text: description },
    help: { text: helpText.join('\n'), markdown: helpMarkdown.join('\n') },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['leakfix', 'reliability', 'resource-leak', transform] },
  };
}

function location(site: AuditSite): SarifLocation {
  return {
    physicalLocation: {
      artifactLocation: { uri: artifactUri(site.path) },
      region: {
        startLine: site.line,
        startColumn: site.column,
        endLine: site.endLine,
        // SARIF end columns are exclusive, like the findings' (1-based, one past the last character).
        endColumn: site.endLine === site.line ? Math.max(site.endColumn, site.column + 1) : site.endColumn,
      },
    },
  };
}

export function toSarif(input: FormatInput): SarifLog {
  const patterns = allPatternIds(input);
  const rules = patterns.map((p) => ruleFor(input, p.transform, p.pattern));
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const { report, gate } = input;
  const results: SarifResult[] = report.sites
    .filter((site) => site.grade !== 'green' && site.disposition !== 'ignored')
    .map((site) => {
      const id = patternId(site.transform, site.pattern);
      const properties: Record<string, string> = { grade: site.grade, disposition: site.disposition };
      if (site.reason !== undefined) properties.reason = site.reason;
      const result: SarifResult = {
        ruleId: id,
        ruleIndex: ruleIndex.get(id) ?? 0,
        level: site.grade === 'red' ? 'error' : 'warning',
        message: { text: `${gradeLabel(site.grade)}: ${site.message} (${advice(site, input.catalog)})` },
        locations: [location(site)],
        // The leakfix fingerprint does not include the path; code scanning needs it per file.
        partialFingerprints: { [FINGERPRINT_KEY]: `${site.fingerprint}:${site.path}` },
        properties,
      };
      const state = gate.hasBaseline ? gate.states.get(site) : undefined;
      if (state) result.baselineState = state;
      return result;
    });
  const notifications = report.errors.map((error) => ({
    level: 'error' as const,
    message: { text: `${error.path}: ${error.reason}${error.message ? `: ${error.message}` : ''}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(error.path) } } }],
    descriptor: { id: error.reason },
  }));
  const driver: SarifLog['runs'][number]['tool']['driver'] = {
    name: input.tool.name,
    version: input.tool.version,
    semanticVersion: input.tool.version,
    rules,
  };
  if (input.tool.informationUri) driver.informationUri = input.tool.informationUri;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [{ executionSuccessful: report.errors.length === 0, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(input: FormatInput): string {
  return `${JSON.stringify(toSarif(input), null, 2)}\n`;
}
