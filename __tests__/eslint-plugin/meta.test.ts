/**
 * The plugin's rule metadata is generated from the transforms' own (one source of truth): a rule
 * per transform, a message per pattern id, the schema from the transform's options, docs links that
 * name a shipped document, and configs that enable every rule.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../transforms';
import { optionSpecs } from '../../lib/rule';
import { REPO_ROOT } from '../helpers/paths';
import { plugin } from './harness';

describe('eslint-plugin-leakfix meta', () => {
  it('has one rule per transform and nothing else', () => {
    assert.deepEqual(Object.keys(plugin.rules).sort(), RULES.map((r) => r.meta.name).sort());
  });

  for (const rule of RULES) {
    it(`leakfix/${rule.meta.name} describes itself from the transform's meta`, () => {
      const meta = plugin.rules[rule.meta.name].meta!;
      assert.equal(meta.docs?.description, rule.meta.description);
      const doc = /docs\/transforms\/([a-z-]+\.md)$/.exec(meta.docs?.url ?? '')?.[1];
      assert.equal(doc, `${rule.meta.name}.md`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'docs', 'transforms', doc!)));
      assert.equal(meta.fixable, 'code');
      assert.equal(meta.hasSuggestions, true);
      for (const pattern of Object.keys(rule.meta.patterns)) assert.ok(meta.messages?.[pattern], `no message for pattern ${pattern}`);
      const [schema] = meta.schema as Array<{ properties: Record<string, { type?: string; description?: string }>; additionalProperties: boolean }>;
      assert.equal(schema.additionalProperties, false);
      const specs = optionSpecs(rule.meta);
      assert.deepEqual(Object.keys(schema.properties).sort(), [...Object.keys(specs), 'grades'].sort());
      for (const [name, spec] of Object.entries(specs)) {
        assert.equal(schema.properties[name].type, spec.type === 'string[]' ? 'array' : spec.type);
        assert.equal(schema.properties[name].description, spec.description);
      }
    });
  }

  it('recommended reports RED sites and strict RED and YELLOW, with every rule on', () => {
    for (const [name, grades] of [['recommended', ['red']], ['strict', ['red', 'yellow']]] as const) {
      const config = plugin.configs[name];
      assert.deepEqual(
        Object.entries(config.rules ?? {}).sort(),
        RULES.map((r) => [`leakfix/${r.meta.name}`, ['error', { grades }]]).sort(),
      );
      assert.equal(config.plugins?.leakfix, plugin);
    }
  });
});
