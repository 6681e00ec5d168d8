/**
 * lib/analysis/origins.ts: where a binding's value comes from (import, require, local), the one
 * answer supervise-intervals, track-async and break-to-return each put their policy on.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseForDetection, type ParserName } from '../lib/parsers';
import { AstIndex } from '../lib/analysis/ast';
import { ScopeAnalysis, type Binding } from '../lib/analysis/scope';
import { bindingOrigin, identifierOrigin, type BindingOrigin } from '../lib/analysis/origins';

/** The origin of each read of `name` (the identifiers that are references, in source order). */
function originsOf(code: string, name: string, parser: ParserName = 'ts'): Array<BindingOrigin | undefined> {
  const file = parseForDetection(code, parser);
  const index = new AstIndex(file);
  const scope = new ScopeAnalysis(file);
  const reads = index.ofType('Identifier').filter((i) => i.name === name && scope.reference(i)?.read);
  assert.ok(reads.length > 0, `no read of ${name}`);
  return reads.map((i) => identifierOrigin(index, scope, i));
}

function originOf(code: string, name: string, parser?: ParserName): BindingOrigin | undefined {
  const [only, ...rest] = originsOf(code, name, parser);
  assert.equal(rest.length, 0);
  return only;
}

describe('bindingOrigin: ESM imports', () => {
  it('named, aliased and string-named imports give the export name', () => {
    assert.deepEqual(originOf("import { on } from 'node:events';\non();", 'on'), { kind: 'import', specifier: 'node:events', form: 'named', imported: 'on', typeOnly: false });
    assert.deepEqual(originOf("import { supervise as sv } from '@leakfix/runtime';\nsv();", 'sv'), {
      kind: 'import',
      specifier: '@leakfix/runtime',
      form: 'named',
      imported: 'supervise',
      typeOnly: false,
    });
    assert.deepEqual(originOf("import { 'a-b' as c } from 'm';\nc();", 'c'), { kind: 'import', specifier: 'm', form: 'named', imported: 'a-b', typeOnly: false });
  });

  it('default and namespace imports are the module (or its default), with no export name', () => {
    assert.deepEqual(originOf("import EventEmitter from 'events';\nnew EventEmitter();", 'EventEmitter'), { kind: 'import', specifier: 'events', form: 'default', typeOnly: false });
    assert.deepEqual(originOf("import * as lf from '@leakfix/runtime';\nlf.track(p);", 'lf'), { kind: 'import', specifier: '@leakfix/runtime', form: 'namespace', typeOnly: false });
  });

  it('marks type-only imports, on the declaration or the specifier (the scope declares no value for them)', () => {
    const file = parseForDetection("import type { A } from 'm';\nimport { type B, c } from 'm';\nf(A, B, c);", 'ts');
    const index = new AstIndex(file);
    const specifiers = index.ofType('ImportSpecifier');
    const typeOnly = specifiers.map((s) => (bindingOrigin(index, { declaration: s, identifier: s.local } as unknown as Binding) as { typeOnly: boolean }).typeOnly);
    assert.deepEqual(typeOnly, [true, true, false]);
    assert.deepEqual(['A', 'B'].map((name) => originOf("import type { A } from 'm';\nimport { type B } from 'm';\nf(A, B);", name)), [undefined, undefined]);
  });
});

describe('bindingOrigin: CommonJS and dynamic loads', () => {
  it('const x = require(m) is the whole module', () => {
    assert.deepEqual(originOf("const events = require('node:events');\nevents.on();", 'events', 'babel'), {
      kind: 'require',
      specifier: 'node:events',
      loader: 'require',
      form: 'whole',
      withDefault: false,
    });
  });

  it('const { a: b } = require(m) is the destructured property, with or without a fallback', () => {
    assert.deepEqual(originOf("const { supervise: sv } = require('@leakfix/runtime');\nsv();", 'sv', 'babel'), {
      kind: 'require',
      specifier: '@leakfix/runtime',
      loader: 'require',
      form: 'destructured',
      imported: 'supervise',
      withDefault: false,
    });
    const withFallback = originOf("const { on = () => {} } = require('events');\non();", 'on', 'babel');
    assert.deepEqual(withFallback, { kind: 'require', specifier: 'events', loader: 'require', form: 'destructured', imported: 'on', withDefault: true });
  });

  it('const a = require(m).a (or [\'a\']) is one member', () => {
    const expected = { kind: 'require', specifier: 'events', loader: 'require', form: 'member', imported: 'on', withDefault: false };
    assert.deepEqual(originOf("const on = require('events').on;\non();", 'on', 'babel'), expected);
    assert.deepEqual(originOf("const on = require('events')['on'];\non();", 'on', 'babel'), expected);
  });

  it('await import(m) is a dynamic load; a template specifier without expressions counts', () => {
    assert.deepEqual(originOf("const tp = await import('timers/promises');\ntp.setInterval();", 'tp'), {
      kind: 'require',
      specifier: 'timers/promises',
      loader: 'dynamic-import',
      form: 'whole',
      withDefault: false,
    });
    assert.equal((originOf('const m = require(`m`);\nm();', 'm', 'babel') as { specifier: string }).specifier, 'm');
  });

  it("TypeScript's import x = require(m) is the whole module; import x = N.y is local", () => {
    assert.deepEqual(originOf("import lf = require('@leakfix/runtime');\nlf.supervise();", 'lf'), {
      kind: 'require',
      specifier: '@leakfix/runtime',
      loader: 'import-equals',
      form: 'whole',
      withDefault: false,
    });
    assert.deepEqual(originOf('namespace N { export const y = 1; }\nimport x = N.y;\nf(x);', 'x'), { kind: 'local' });
  });
});

describe('bindingOrigin: local bindings and shadowing', () => {
  it('values that are not loaded from a module are local; globals have no origin', () => {
    assert.deepEqual(originOf("const x = make('m');\nx();", 'x', 'babel'), { kind: 'local' });
    assert.deepEqual(originOf("const x = require(name);\nx();", 'x', 'babel'), { kind: 'local' });
    assert.deepEqual(originOf("const { a: { b } } = require('m');\nb();", 'b', 'babel'), { kind: 'local' });
    assert.deepEqual(originOf('function f(on) { on(); }', 'on', 'babel'), { kind: 'local' });
    assert.equal(originOf('setInterval(f, 1);', 'setInterval', 'babel'), undefined);
  });

  it('a parameter or inner declaration that shadows an import is local where it is in scope', () => {
    const code = "import { on } from 'events';\non();\nfunction f(on) {\n  on();\n}\n{\n  const on = () => 1;\n  on();\n}\n";
    const [outer, param, inner] = originsOf(code, 'on');
    assert.equal(outer?.kind, 'import');
    assert.deepEqual(param, { kind: 'local' });
    assert.deepEqual(inner, { kind: 'local' });
  });
});
