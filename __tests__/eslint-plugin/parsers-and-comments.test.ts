/**
 * The plugin reads `sourceCode.text` and parses it with leakfix's own parser, so the parser of the
 * ESLint config changes nothing: espree, @typescript-eslint/parser and @babel/eslint-parser give
 * the same reports and the same fixes. ESLint's own disable comments switch the rules off.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Linter } from 'eslint';
import { RULES } from '../../transforms';
import { fixtureCases } from '../helpers/fixtures';
import { lintConfig, lintFilename, newLinter, type ParserChoice } from './harness';

function reports(messages: readonly Linter.LintMessage[]): string[] {
  return messages.map((m) => `${m.ruleId ?? ''} ${m.line}:${m.column} ${m.messageId ?? m.message}`);
}

describe('eslint-plugin-leakfix: the ESLint parser does not change reports or fixes', () => {
  for (const rule of RULES) {
    for (const fixture of fixtureCases(rule.meta.name)) {
      const parsers: ParserChoice[] = /\.[cm]?jsx?$/.test(fixture.filePath) ? ['espree', 'babel'] : ['babel'];
      // `import ... assert { }` (the deprecated spelling): espree and Babel's default options reject it.
      if (/^import [^\n]* assert \{/m.test(fixture.input)) parsers.length = 0;
      it(`${rule.meta.name}/${fixture.name}: ${parsers.join(', ')} as typescript-eslint`, () => {
        const filename = lintFilename(fixture.filePath);
        // A file without import/export is a script to its tooling (sloppy-mode syntax such as `with` parses).
        const sourceType = /^\s*(import|export)\b/m.test(fixture.input) ? ('module' as const) : ('script' as const);
        const setup = { transform: rule.meta.name, options: fixture.options, runtimeImport: fixture.runtimeImport, sourceType };
        const reference = newLinter().verifyAndFix(fixture.input, lintConfig({ ...setup, parser: 'typescript' }, filename), { filename });
        const referenceReports = reports(newLinter().verify(fixture.input, lintConfig({ ...setup, parser: 'typescript' }, filename), { filename }));
        for (const parser of parsers) {
          const config = lintConfig({ ...setup, parser }, filename);
          const got = newLinter().verify(fixture.input, config, { filename });
          assert.equal(got.find((m) => m.fatal)?.message, undefined, `${parser} could not parse ${fixture.inputPath}`);
          assert.deepEqual(reports(got), referenceReports, `${parser}: reports differ`);
          assert.equal(newLinter().verifyAndFix(fixture.input, config, { filename }).output, reference.output, `${parser}: fixes differ`);
        }
      });
    }
  }
});

describe('eslint-plugin-leakfix: disable comments', () => {
  const filename = lintFilename('src/poller.js');
  const config = lintConfig({ transform: 'supervise-intervals' }, filename);
  const leak = 'setInterval(() => poll(), 1000);\n';

  it('reports the leak without a comment (the cases below are not vacuous)', () => {
    assert.equal(newLinter().verify(leak, config, { filename }).length, 1);
  });

  for (const comment of [
    '// eslint-disable-next-line leakfix/supervise-intervals',
    '/* eslint-disable leakfix/supervise-intervals */',
    '// eslint-disable-next-line',
    '// leakfix-ignore',
  ]) {
    it(`honours ${comment}`, () => {
      const messages = newLinter().verify(`${comment}\n${leak}`, config, { filename });
      assert.deepEqual(reports(messages), []);
      const fixed = newLinter().verifyAndFix(`${comment}\n${leak}`, config, { filename });
      assert.equal(fixed.output, `${comment}\n${leak}`);
    });
  }
});

describe('eslint-plugin-leakfix: the grades option', () => {
  const filename = lintFilename('src/fire.js');
  const code = "void fetch('/ping');\nfetch('/ping');\n";
  const grades = (config: ReturnType<typeof lintConfig>): string[] =>
    newLinter()
      .verify(code, config, { filename })
      .map((m) => /\[(RED|YELLOW)/.exec(m.message)?.[1] ?? m.message);

  it('reports RED and YELLOW by default, RED only with grades: ["red"]', () => {
    assert.deepEqual(grades(lintConfig({ transform: 'track-async' }, filename)), ['YELLOW', 'RED']);
    assert.deepEqual(grades(lintConfig({ transform: 'track-async', options: { grades: ['red'] } }, filename)), ['RED']);
  });
});
