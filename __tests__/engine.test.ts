import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { processSource, type EngineSettings } from '../lib/engine';
import { classifyFile } from '../lib/context';
import { parseForDetection, parserForFile } from '../lib/parsers';
import { retabChangedLines } from '../lib/layout';
import { demoRule } from './helpers/demo-rule';
import { fixable, type Site } from '../lib/findings';
import type { RuleContext } from '../lib/rule';

function settings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  return { rules: [demoRule()], mode: 'transform', runtimeImport: '@leakfix/runtime', ...overrides };
}

describe('engine: file framing is kept byte for byte', () => {
  it('keeps a shebang, CRLF line endings and double quotes', () => {
    const input = '#!/usr/bin/env node\r\nimport x from "y";\r\n\r\nsetInterval(tick, 10); // keep me\r\nx();\r\n';
    const out = processSource('bin/tool.ts', input, settings());
    assert.equal(out.status, 'changed');
    assert.equal(
      out.output,
      '#!/usr/bin/env node\r\nimport x from "y";\r\nimport { supervise } from "@leakfix/runtime";\r\n\r\nsupervise("demo", tick, { everyMs: 10 }); // keep me\r\nx();\r\n',
    );
    assert.equal(out.findings[0].start.line, 4, 'lines count the shebang line');
  });

  it('keeps a BOM and a use-strict directive, and adds a require in a CJS file', () => {
    const input = "\uFEFF'use strict';\nconst a = require('a');\n\nfunction f() {\n\tsetInterval(a, 5);\n}\n";
    const out = processSource('lib/x.js', input, settings());
    assert.equal(out.output, "\uFEFF'use strict';\nconst a = require('a');\nconst { supervise } = require('@leakfix/runtime');\n\nfunction f() {\n\tsupervise('demo', a, { everyMs: 5 });\n}\n");
  });

  it('keeps a license header above an inserted import', () => {
    const input = '// Copyright ACME\n// SPDX: MIT\n\n/** Ticks. */\nsetInterval(tick, 10);\n';
    const out = processSource('src/a.mjs', input, settings());
    assert.equal(out.output, "// Copyright ACME\n// SPDX: MIT\n\nimport { supervise } from '@leakfix/runtime';\n\n/** Ticks. */\nsupervise('demo', tick, { everyMs: 10 });\n");
  });
});

describe('engine: indentation of changed lines', () => {
  it('indents new and re-indented lines with tabs in a tab-indented file', () => {
    const input = 'function f() {\n\tif (x) {\n\t\t/**\n\t\t * keep alignment\n\t\t */\n\t\tsetInterval(g, 1);\n\t}\n}\n';
    const out = processSource('a.ts', input, settings());
    const body = (out.output ?? '').split('\n').slice(2).join('\n');
    assert.equal(body, "function f() {\n\tif (x) {\n\t\t/**\n\t\t * keep alignment\n\t\t */\n\t\tsupervise('demo', g, { everyMs: 1 });\n\t}\n}\n");
  });
});

describe('engine: fix mode source text', () => {
  it('gives fixes a ctx.source whose offsets match the recast AST in CRLF and tab files', () => {
    const slices: string[] = [];
    const base = demoRule();
    const rule = {
      ...base,
      detect(ctx: RuleContext): Site[] {
        return ctx.index.ofType('CallExpression')
          .filter((call) => call.callee.type === 'Identifier' && call.callee.name === 'setInterval')
          .map((call) => fixable('dropped', call, 'red', 'm', () => {
            slices.push(ctx.source.slice(call.start ?? 0, call.end ?? 0));
            call.arguments.pop();
          }));
      },
    };
    const input = "'use strict';\r\nfunction f() {\r\n\t\tsetInterval(g, 1);\r\n}\r\n";
    const out = processSource('a.js', input, settings({ rules: [rule] }));
    assert.deepEqual(slices, ['setInterval(g, 1)']);
    assert.equal(out.output, "'use strict';\r\nfunction f() {\r\n\t\tsetInterval(g);\r\n}\r\n");
  });
});

describe('layout: retabChangedLines', () => {
  const layout = { quote: 'single' as const, lineTerminator: '\n' as const, tabWidth: 4, useTabs: true };
  it('turns recast space indentation after tabs into tabs, on changed lines only', () => {
    const original = 'f() {\n\t  aligned();\n}\n';
    const printed = 'f() {\n\t  aligned();\n\t    added();\n        moved();\n\t     * comment\n}\n';
    assert.equal(retabChangedLines(original, printed, layout), 'f() {\n\t  aligned();\n\t\tadded();\n\t\tmoved();\n\t\t * comment\n}\n');
  });
  it('leaves space-indented files alone', () => {
    const printed = 'f() {\n    x();\n}\n';
    assert.equal(retabChangedLines('', printed, { ...layout, useTabs: false }), printed);
  });
});

describe('engine: runtime import', () => {
  it('merges into an existing import of the runtime', () => {
    const out = processSource('a.ts', "import { track } from '@leakfix/runtime';\nsetInterval(f, 1);\n", settings());
    assert.equal(out.output, "import { track, supervise } from '@leakfix/runtime';\nsupervise('demo', f, { everyMs: 1 });\n");
  });

  it('aliases when the name is taken, and reuses the alias for a second site', () => {
    const out = processSource('a.ts', 'const supervise = 1;\nsetInterval(f, 1);\nsetInterval(g, 2);\n', settings());
    assert.equal(
      out.output,
      "import { supervise as leakfixSupervise } from '@leakfix/runtime';\n\nconst supervise = 1;\nleakfixSupervise('demo', f, { everyMs: 1 });\nleakfixSupervise('demo', g, { everyMs: 2 });\n",
    );
  });

  it('uses a namespace import and a CJS destructuring that exist', () => {
    const esm = processSource('a.ts', "import * as lf from '@leakfix/runtime';\nsetInterval(f, 1);\n", settings());
    assert.match(esm.output ?? '', /lf\.supervise\('demo', f/);
    const cjs = processSource('a.js', "const { track } = require('@leakfix/runtime');\nsetInterval(f, 1);\n", settings());
    assert.equal(cjs.output, "const { track, supervise } = require('@leakfix/runtime');\nsupervise('demo', f, { everyMs: 1 });\n");
  });

  it('takes the specifier from settings', () => {
    const out = processSource('a.ts', 'setInterval(f, 1);\n', settings({ runtimeImport: '~/lib/leakfix' }));
    assert.match(out.output ?? '', /from '~\/lib\/leakfix'/);
  });
});

describe('engine: analysis', () => {
  it('does not confuse a shadowed setInterval with the global', () => {
    const out = processSource('a.js', 'function run(setInterval) {\n  setInterval(f, 1);\n}\n', settings());
    assert.equal(out.status, 'unchanged');
    assert.equal(out.findings.length, 0);
  });

  it('never parses files the prefilter rules out', () => {
    const out = processSource('a.js', 'this is not javascript at all', settings());
    assert.deepEqual([out.status, out.parsed], ['unchanged', false]);
  });

  it('skips test files unless includeTests is set', () => {
    const input = 'setInterval(f, 1);\n';
    assert.equal(processSource('src/__tests__/a.js', input, settings()).parsed, false);
    assert.equal(processSource('src/a.spec.ts', input, settings()).parsed, false);
    const included = processSource('src/a.test.js', input, settings({ ruleOptions: { demo: { includeTests: true } } }));
    assert.equal(included.status, 'changed');
  });

  it('reports refused and managed sites without changing the file in audit mode', () => {
    const out = processSource('a.js', 'setInterval(f, 1);\nconst t = setInterval(g, 2);\n', settings({ mode: 'audit' }));
    assert.equal(out.status, 'unchanged');
    assert.equal(out.output, undefined);
    assert.deepEqual(out.findings.map((f) => [f.rule, f.status, f.grade, f.reason]), [
      ['dropped', 'fixable', 'red', undefined],
      ['stored', 'refused', 'yellow', 'stored'],
    ]);
  });

  it('marks applied sites fixed and keeps refused ones', () => {
    const out = processSource('a.js', 'setInterval(f, 1);\nconst t = setInterval(g, 2);\n', settings());
    assert.deepEqual(out.findings.map((f) => f.status), ['fixed', 'refused']);
  });
});

describe('engine: suppression', () => {
  it('honours // leakfix-ignore on the line before a site', () => {
    const input = '// leakfix-ignore: owned by the scheduler\nsetInterval(f, 1);\nsetInterval(g, 2);\n';
    const out = processSource('a.js', input, settings());
    assert.equal(out.output, "const { supervise } = require('@leakfix/runtime');\n\n// leakfix-ignore: owned by the scheduler\nsetInterval(f, 1);\nsupervise('demo', g, { everyMs: 2 });\n");
    assert.deepEqual(out.findings.map((f) => [f.status, f.reason]), [['ignored', 'leakfix-ignore'], ['fixed', undefined]]);
  });

  it('skips the whole file on // leakfix-ignore-file', () => {
    const out = processSource('a.js', 'setInterval(f, 1);\n/* leakfix-ignore-file */\n', settings());
    assert.deepEqual([out.status, out.reason], ['skipped', 'ignore-file']);
  });
});

describe('engine: failures never produce output', () => {
  it('reports a syntax error with its position', () => {
    const out = processSource('a.ts', '\nsetInterval(f, 1\n', settings());
    assert.equal(out.status, 'error');
    assert.equal(out.reason, 'parse-error');
    assert.match(out.message ?? '', /\(3:1\)$/);
    assert.equal(out.output, undefined);
  });

  it('names the transform that threw, in detection or in a fix', () => {
    for (const throwIn of ['detect', 'fix'] as const) {
      const out = processSource('a.js', 'setInterval(f, 1);\n', settings({ rules: [demoRule({ throwIn })] }));
      assert.deepEqual([out.status, out.reason, out.transform, out.output], ['error', 'internal-error', 'demo', undefined]);
      assert.match(out.message ?? '', /exploded/);
    }
  });

  it('refuses output that does not parse', () => {
    const out = processSource('a.js', 'setInterval(f, 1);\n', settings({ rules: [demoRule({ breakOutput: true })] }));
    assert.equal(out.status, 'error');
    assert.equal(out.output, undefined);
    assert.match(out.message ?? '', /demo produced output that does not parse/);
  });
});

describe('engine: fingerprints', () => {
  it('survive line shifts and tell apart repeated identical sites', () => {
    const input = 'function a() {\n  setInterval(f, 1);\n}\nsetInterval(f, 1);\nsetInterval(f, 1);\n';
    const before = processSource('a.js', input, settings({ mode: 'audit' })).findings.map((f) => f.fingerprint);
    const after = processSource('a.js', `\n\n// moved\n${input}`, settings({ mode: 'audit' })).findings.map((f) => f.fingerprint);
    assert.deepEqual(after, before);
    assert.equal(new Set(before).size, 3);
  });
});

describe('parsers', () => {
  it('chooses the parser by extension and @flow pragma', () => {
    assert.equal(parserForFile('a.tsx', ''), 'tsx');
    assert.equal(parserForFile('a.mts', ''), 'ts');
    assert.equal(parserForFile('a.cts', ''), 'ts');
    assert.equal(parserForFile('a.jsx', ''), 'babel');
    assert.equal(parserForFile('a.js', '/* @flow */\nconst a: number = 1;'), 'flow');
    assert.equal(parserForFile('a.js', 'const flow = "@flow later";'), 'babel');
    assert.equal(parserForFile('a.ts', '', 'babel'), 'babel');
  });

  it('parses a .js file with Flow types and no @flow pragma as Flow in a package that uses Flow (parse-server), and only there', () => {
    const input = 'export function start<T>(options: T): void {\n  setInterval(tick, 10);\n}\n';
    const inPackage = (dependencies: string[]) => ({
      ...classifyFile('/app/src/poller.js', input),
      package: { manifest: '/app/package.json', private: true, type: 'commonjs' as const, exports: false, bin: [], browser: false, dependencies, scripts: {}, kind: 'application' as const },
    });
    const out = processSource('/app/src/poller.js', input, settings(), inPackage(['@babel/plugin-transform-flow-strip-types']));
    assert.equal(out.status, 'changed', out.message);
    assert.equal(out.parser, 'flow');
    assert.match(out.output ?? '', /^export function start<T>\(options: T\): void \{\n  supervise\('demo', tick, \{ everyMs: 10 \}\);\n\}$/m);
    const noFlow = processSource('/app/src/poller.js', input, settings(), inPackage(['express']));
    assert.deepEqual([noFlow.status, noFlow.parser], ['error', 'babel'], 'without Flow in the package, type annotations in a .js file are a parse error');
    const broken = processSource('/app/src/broken.js', 'const a = ;\nsetInterval(tick, 10);\n', settings(), inPackage(['flow-bin']));
    assert.equal(broken.status, 'error');
    assert.equal(broken.parser, 'babel', 'what neither grammar reads is reported with the JavaScript error');
  });

  it('reads the syntax real code uses with each parser', () => {
    parseForDetection('const a = <div>{b}</div>;', 'babel');
    parseForDetection('const a = <T,>(x: T) => x; enum E { A }', 'tsx');
    parseForDetection('const a = <T>b; abstract class X { declare y: number }', 'ts');
    parseForDetection('// @flow\ntype T = {| a: number |}; const x = (y: any);', 'flow');
    parseForDetection('class A { static { this.x = 1; } #p = 1; accessor q = 2 }', 'babel');
  });
});
