/**
 * ESLint's RuleTester valid/invalid suites for each plugin rule, built from the transform's
 * fixture pairs: a fixture with nothing to report is a valid case; one with findings is an invalid
 * case with its messageIds and positions and the output of one fix pass. The fixture suite
 * (fixtures.test.ts) checks that the fix loop ends at the fixture's output.
 */
import { describe, it } from 'node:test';
import type { Linter, RuleTester as RuleTesterType } from 'eslint';
import { RULES } from '../../transforms';
import { fixtureCases, fixtureCase } from '../helpers/fixtures';
import { eslint, lintConfig, lintFilename, newLinter, plugin, typescriptParser } from './harness';

const { RuleTester } = eslint;
Object.assign(RuleTester, { describe, it, itOnly: it.only });

/** What one pass of ESLint's fixer makes of the messages: sorted fixes, overlapping ones left for the next pass. */
function onePass(code: string, messages: readonly Linter.LintMessage[]): string {
  const fixes = messages.flatMap((m) => (m.fix ? [m.fix] : [])).sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = '';
  let last = -Infinity;
  let copied = 0;
  for (const fix of fixes) {
    if (last >= fix.range[0]) continue;
    out += code.slice(copied, fix.range[0]) + fix.text;
    copied = fix.range[1];
    last = fix.range[1];
  }
  return out + code.slice(copied);
}

function settingsFor(runtimeImport: string | undefined, fixRuntime: boolean): Record<string, unknown> {
  return { leakfix: { fixRuntime, ...(runtimeImport ? { runtimeImport } : {}) } };
}

for (const rule of RULES) {
  const name = rule.meta.name;
  const valid: RuleTesterType.ValidTestCase[] = [];
  const invalid: RuleTesterType.InvalidTestCase[] = [];
  for (const fixture of fixtureCases(name)) {
    // RuleTester knows only the rule under test: a disable comment naming another rule is an error there.
    if (/eslint-disable[^\n]*@typescript-eslint/.test(fixture.input)) continue;
    const filename = lintFilename(fixture.filePath);
    const messages = newLinter()
      .verify(fixture.input, lintConfig({ transform: name, options: fixture.options, runtimeImport: fixture.runtimeImport }, filename), { filename })
      .filter((m) => m.ruleId === `leakfix/${name}`);
    const base = { name: fixture.name, code: fixture.input, filename, options: [fixture.options], settings: settingsFor(fixture.runtimeImport, true) };
    if (messages.length === 0) {
      valid.push(base);
      continue;
    }
    const output = onePass(fixture.input, messages);
    invalid.push({
      ...base,
      errors: messages.map((m) => ({ messageId: m.messageId!, line: m.line, column: m.column })),
      output: output === fixture.input ? null : output,
    });
  }
  describe(`RuleTester: leakfix/${name}`, () => {
    new RuleTester({ languageOptions: { parser: typescriptParser } }).run(name, plugin.rules[name], { valid, invalid });
  });
}

describe('RuleTester: fixes that add the runtime import are suggestions unless settings.leakfix.fixRuntime', () => {
  const fixture = fixtureCase('supervise-intervals', 'module-dropped-handle');
  const filename = lintFilename(fixture.filePath);
  new RuleTester({ languageOptions: { parser: typescriptParser } }).run('supervise-intervals', plugin.rules['supervise-intervals'], {
    valid: [
      // leakfix's own suppression comment is honoured (ESLint's own disable comments: comments.test.ts).
      { code: `// leakfix-ignore\nsetInterval(() => poll(), 1000);\n`, filename },
    ],
    invalid: [
      {
        code: fixture.input,
        filename,
        settings: settingsFor(undefined, false),
        output: null,
        errors: [
          {
            messageId: 'interval-dropped-handle',
            suggestions: [{ messageId: 'leakfix/apply-fix', data: { transform: 'supervise-intervals', runtime: '@leakfix/runtime' }, output: fixture.output }],
          },
        ],
      },
    ],
  });
});
