import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as t from '@babel/types';
import { parseForDetection, type ParserName } from '../lib/parsers';
import { AstIndex } from '../lib/analysis/ast';
import { ScopeAnalysis, type Binding } from '../lib/analysis/scope';
import { CommentIndex } from '../lib/analysis/comments';

function analyse(code: string, parser: ParserName = 'ts') {
  const file = parseForDetection(code, parser);
  const index = new AstIndex(file);
  const scope = new ScopeAnalysis(file);
  const identifiers = index.ofType('Identifier');
  const binding = (name: string, nth = 0): Binding => {
    const declared = identifiers.filter((i) => i.name === name).map((i) => scope.declared(i)).filter((b): b is Binding => b !== undefined);
    const unique = [...new Set(declared)];
    assert.ok(unique[nth], `no binding #${nth} for ${name}`);
    return unique[nth];
  };
  return { file, index, scope, identifiers, binding };
}

describe('scope analysis', () => {
  it('resolves shadowing by block, function, parameter and catch scopes', () => {
    const { scope, identifiers, index } = analyse(
      'const t = 1;\nfunction f(t) { return t; }\n{ let t = 2; t; }\ntry {} catch (t) { t; }\nt;',
    );
    const uses = identifiers.filter((i) => i.name === 't' && scope.reference(i));
    const kinds = uses.map((u) => scope.resolve(u)?.kind);
    assert.deepEqual(kinds, ['param', 'let', 'catch', 'const']);
    assert.equal(scope.isGlobal('setInterval', uses[0], (n) => index.parent(n)), true);
    assert.equal(scope.isGlobal('t', uses[0], (n) => index.parent(n)), false);
  });

  it('hoists var and function declarations to the function scope', () => {
    const { binding } = analyse('function g() { use(h, v); if (x) { var v = 1; } function h() {} }', 'babel');
    assert.equal(binding('v').references.length, 1);
    assert.equal(binding('h').references.length, 1);
  });

  it('tells reads from writes, including compound and destructuring assignments', () => {
    const { binding } = analyse('let a = 1, b, c;\na = 2;\nb += 1;\n[c] = [3];\nc++;\nfoo(a);');
    const flags = (name: string) => binding(name).references.map((r) => `${r.read ? 'r' : ''}${r.write ? 'w' : ''}`);
    assert.deepEqual(flags('a'), ['w', 'r']);
    assert.deepEqual(flags('b'), ['rw']);
    assert.deepEqual(flags('c'), ['w', 'rw']);
  });

  it('does not count keys, members, labels or type positions as references', () => {
    const { binding } = analyse(
      'const timer = setInterval(f, 1);\nconst o = { timer: 1 };\no.timer;\nclass K { timer = 2; timer2() {} }\nlet x: typeof timer;\ntype T = { timer: number };\ntimer: for (;;) { break timer; }',
    );
    assert.equal(binding('timer').references.length, 0);
  });

  it('counts shorthand properties, JSX expressions, exports and default values as reads', () => {
    const { binding } = analyse('const h = 1;\nconst o = { h };\nconst e = <A t={h} />;\nexport { h };\nfunction d(p = h) {}\nconst A = () => null;', 'tsx');
    assert.equal(binding('h').references.length, 4);
    assert.equal(binding('A').references.length, 1, 'a JSX component name is a reference');
  });

  it('binds imports, class names, enums and destructured parameters', () => {
    const { binding } = analyse("import d, { a as b } from 'm';\nimport type { T } from 'm';\nclass C {}\nenum E { X }\nfunction f({ p, q: [r] }: T) { return [d, b, C, E, p, r]; }");
    for (const name of ['d', 'b', 'C', 'E', 'p', 'r']) assert.equal(binding(name).references.length, 1, name);
  });

  it('generates names unused anywhere in the file', () => {
    const { scope } = analyse('const id = 1; function f() { const id2 = 2; return id3; }');
    assert.equal(scope.uniqueName('id'), 'id4');
    assert.equal(scope.uniqueName('id'), 'id5');
    assert.equal(scope.uniqueName('timer'), 'timer');
  });
});

describe('comments', () => {
  it('finds suppressions and eslint opt-outs naming a rule', () => {
    const code = [
      'a();',
      '// leakfix-ignore: reason',
      'b();',
      '// eslint-disable-next-line @typescript-eslint/no-floating-promises -- fire and forget',
      'c();',
      'd(); // eslint-disable-line no-floating-promises',
      '// eslint-disable-next-line no-console',
      'e();',
    ].join('\n');
    const file = parseForDetection(code, 'ts');
    const comments = new CommentIndex(file as t.File, new AstIndex(file).nodes);
    assert.deepEqual([1, 3, 5].map((l) => comments.isSuppressed(l)), [false, true, false]);
    assert.equal(comments.eslintDisabled(5, 'no-floating-promises'), true);
    assert.equal(comments.eslintDisabled(6, 'no-floating-promises'), true);
    assert.equal(comments.eslintDisabled(8, 'no-floating-promises'), false);
    assert.equal(comments.ignoreFile, false);
  });
});
