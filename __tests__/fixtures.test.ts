/**
 * Every fixture pair of every transform: the output matches, a second run changes nothing, the
 * output parses, and the expected findings (when listed) are reported.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { RULES } from '../transforms';
import * as path from 'node:path';
import { processSource } from '../lib/engine';
import type { FixtureCase } from './helpers/fixtures';
import { fixtureCases, fixtureContext } from './helpers/fixtures';
import { ruleSettings } from './helpers/rule-settings';

for (const rule of RULES) {
  const cases = fixtureCases(rule.meta.name);
  if (cases.length === 0) continue;
  describe(`fixtures: ${rule.meta.name}`, () => {
    for (const fixture of cases) {
      it(fixture.name, () => {
        const settings = { ...ruleSettings(rule, 'transform', fixture.options, fixture.runtimeImport), includeTests: fixture.includeTests, runtimeInLibraries: fixture.runtimeInLibraries, runtimeInBrowser: fixture.runtimeInBrowser };
        const context = fixtureContext(fixture);
        const first = processSource(fixture.filePath, fixture.input, settings, context);
        assert.notEqual(first.status, 'error', `${fixture.name}: ${first.message}`);
        const actual = first.status === 'changed' ? first.output! : fixture.input;
        assert.equal(actual, fixture.output, `${fixture.inputPath} does not produce ${fixture.outputPath}`);

        const second = processSource(fixture.filePath, actual, settings, context && fixtureContext({ ...fixture, input: actual }));
        assert.equal(second.status === 'changed' ? second.output : actual, actual, `${fixture.name}: a second run changes the output`);

        if (fixture.findings) {
          const got = first.findings.map((f) => ({ rule: f.rule, status: f.status, reason: f.reason, line: f.start.line }));
          for (const want of fixture.findings) {
            const hit = got.find(
              (g) => g.rule === want.rule && g.status === want.status && (want.reason === undefined || g.reason === want.reason) && (want.line === undefined || g.line === want.line),
            );
            assert.ok(hit, `${fixture.name}: expected finding ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
          }
        }
      });
    }
  });
}
