/**
 * Every transform fixture input is also a lint case: ESLint with the plugin reports exactly the
 * audit's leak-prone findings (pattern id as messageId, same position), and ESLint's fix loop
 * writes what `leakfix transform` writes for that file. The engine runs here get the file context
 * the plugin sees (the lint file's real folder), so a fixture that sets a virtual package (a library,
 * `type: module`) is compared as the file the linter sees; its own output is the fixture suite's.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { RULES } from '../../transforms';
import { processSource } from '../../lib/engine';
import { fixtureCases } from '../helpers/fixtures';
import { ruleSettings } from '../helpers/rule-settings';
import { ContextResolver } from '../../lib/context';
import { prepareFile, preparingRules } from '../../lib/runner/process-file';
import { lintConfig, lintFilename, newLinter } from './harness';

for (const rule of RULES) {
  describe(`eslint-plugin-leakfix fixtures: ${rule.meta.name}`, () => {
    for (const fixture of fixtureCases(rule.meta.name)) {
      it(fixture.name, () => {
        const linter = newLinter();
        const filename = lintFilename(fixture.filePath);
        const config = lintConfig({ transform: rule.meta.name, options: fixture.options, runtimeImport: fixture.runtimeImport }, filename);

        const messages = linter.verify(fixture.input, config, { filename });
        const fatal = messages.find((m) => m.fatal);
        assert.equal(fatal, undefined, `ESLint could not parse ${fixture.inputPath}: ${fatal?.message}`);
        const context = new ContextResolver().fileContext(filename, fixture.input);
        const settings = (mode: 'audit' | 'transform') => ruleSettings(rule, mode, fixture.options, fixture.runtimeImport);
        const processSettings = { cwd: '/', mode: 'transform' as const, ruleOptions: { [rule.meta.name]: fixture.options }, runtimeImport: '', maxSize: 1 << 30 };
        prepareFile(filename, preparingRules([rule], processSettings), processSettings);
        const audit = processSource(filename, fixture.input, settings('audit'), context);
        const transformed = processSource(filename, fixture.input, settings('transform'), context);
        const expectedOutput = transformed.status === 'changed' ? transformed.output! : fixture.input;
        const expected = audit.findings
          .filter((f) => f.grade !== 'green' && f.status !== 'ok' && f.status !== 'ignored')
          .map((f) => `${f.start.line}:${f.start.column} ${f.rule}${f.reason ? ` ${f.reason}` : ''}`);
        const got = messages.filter((m) => m.ruleId === `leakfix/${rule.meta.name}`).map((m) => {
          const reason = /left for a human: ([a-z0-9-]+)/.exec(m.message)?.[1];
          return `${m.line}:${m.column} ${m.messageId}${reason ? ` ${reason}` : ''}`;
        });
        assert.deepEqual(got, expected, `${fixture.name}: lint findings differ from the audit's`);

        // Each fix on its own (an editor's quick fix) still gives code that parses.
        for (const message of messages.filter((m) => m.fix)) {
          const alone = fixture.input.slice(0, message.fix!.range[0]) + message.fix!.text + fixture.input.slice(message.fix!.range[1]);
          const parsed = linter.verify(alone, config, { filename }).find((m) => m.fatal);
          assert.equal(parsed, undefined, `${fixture.name}: the fix at ${message.line}:${message.column} alone gives code that does not parse`);
        }

        const fixed = linter.verifyAndFix(fixture.input, config, { filename });
        assert.equal(fixed.output, expectedOutput, `${fixture.name}: eslint --fix differs from leakfix transform`);
      });
    }
  });
}
