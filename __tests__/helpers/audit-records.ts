/**
 * Hand-made FileRecords and a rule catalog for audit tests that must not depend on what the
 * detectors currently report.
 */
import type { Finding, FindingStatus, Grade } from '../../lib/findings';
import type { FileRecord } from '../../lib/runner/records';
import type { LeakRule } from '../../lib/rule';

export function finding(
  transform: string,
  rule: string,
  grade: Grade,
  status: FindingStatus,
  line: number,
  extra: { reason?: string; fingerprint?: string; message?: string; column?: number } = {},
): Finding {
  const f: Finding = {
    transform,
    rule,
    grade,
    status,
    message: extra.message ?? `${rule} at line ${line}`,
    start: { line, column: extra.column ?? 3 },
    end: { line, column: (extra.column ?? 3) + 20 },
    fingerprint: extra.fingerprint ?? `${transform}-${rule}-${line}`,
  };
  if (extra.reason !== undefined) f.reason = extra.reason;
  return f;
}

export function record(path: string, findings: Finding[], extra: Partial<FileRecord> = {}): FileRecord {
  return { path, status: 'unchanged', findings, durationMs: 1, ...extra };
}

function fakeRule(name: string, patterns: Record<string, string>, reasons: Record<string, string>): LeakRule {
  return {
    meta: { name, description: `${name} description`, prefilter: /(?!)/, skipsTestFiles: false, options: {}, patterns, reasons },
    detect: () => [],
  };
}

export const FAKE_RULES: readonly LeakRule[] = [
  fakeRule(
    'supervise-intervals',
    { 'dropped-interval': 'A setInterval whose handle is dropped, so nothing can stop it.', 'cleared-interval': 'A setInterval cleared on every path.' },
    { 'handle-escapes': 'The handle is stored where leakfix cannot follow it.' },
  ),
  fakeRule(
    'track-async',
    { 'floating-promise': 'A promise started and neither awaited, returned nor tracked.' },
    { 'result-used-later': 'The promise is used later | so tracking would change its timing.' },
  ),
];

/** Three files: 2 RED, 2 YELLOW, 2 GREEN, 1 ignored RED; plus one file that failed to parse. */
export function sampleRecords(): FileRecord[] {
  return [
    record('src/b.ts', [
      finding('track-async', 'floating-promise', 'red', 'fixable', 7, { message: 'fetchAll() is not awaited' }),
      finding('track-async', 'floating-promise', 'yellow', 'refused', 3, { reason: 'result-used-later' }),
    ]),
    record('src/a.ts', [
      finding('supervise-intervals', 'dropped-interval', 'red', 'refused', 10, { reason: 'handle-escapes' }),
      finding('supervise-intervals', 'cleared-interval', 'green', 'ok', 20),
      finding('supervise-intervals', 'dropped-interval', 'yellow', 'fixable', 30),
      finding('supervise-intervals', 'dropped-interval', 'red', 'ignored', 40, { reason: 'leakfix-ignore' }),
    ]),
    record('src/c.ts', [finding('track-async', 'floating-promise', 'green', 'ok', 1)]),
    record('src/empty.ts', []),
    record('src/broken.ts', [], { status: 'error', reason: 'parse-error', message: 'Unexpected token (2:5)' }),
  ];
}

export const TOOL = { name: 'leakfix', version: '0.1.0' };
