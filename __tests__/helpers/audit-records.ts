/**
 * Hand-made FileRecords and a rule catalog for audit tests that must not depend on what the
 * detectors currently report.
 */
import { fixable, managed, refused, type Finding, type FindingStatus, type Grade, type Site } from '../../lib/findings';
import type { FileRecord } from '../../lib/runner/records';
import type { LeakRule, RuleContext } from '../../lib/rule';

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

/**
 * A toy rule for end-to-end audit runs that must not depend on the real detectors:
 * `leak();` as a statement is RED and fixable (renamed to `managedLeak();`), `const x = leak();`
 * is YELLOW and refused (`stored`), `managedLeak()` is GREEN.
 */
export const TOY_RULE: LeakRule = {
  meta: {
    name: 'toy',
    description: 'test-only rule for audit runs',
    prefilter: /leak/i,
    skipsTestFiles: false,
    options: {},
    patterns: { 'dropped-leak': 'A leak() whose result is dropped.', 'stored-leak': 'A leak() stored in a variable.', 'managed-leak': 'A managedLeak() call.' },
    reasons: { stored: 'The handle is stored; a person must decide who stops it.' },
  },
  detect(ctx: RuleContext): Site[] {
    const sites: Site[] = [];
    for (const call of ctx.index.ofType('CallExpression')) {
      if (call.callee.type !== 'Identifier') continue;
      const callee = call.callee;
      const parent = ctx.index.parent(call);
      if (callee.name === 'managedLeak') sites.push(managed('managed-leak', call, 'managedLeak() is stopped on every path'));
      else if (callee.name !== 'leak') continue;
      else if (parent?.type === 'ExpressionStatement') {
        sites.push(fixable('dropped-leak', call, 'red', 'leak() result is dropped', () => {
          callee.name = 'managedLeak';
        }));
      } else sites.push(refused('stored-leak', call, 'yellow', 'stored', 'leak() is stored'));
    }
    return sites;
  },
};
