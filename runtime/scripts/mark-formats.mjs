// Each output folder says its module format, so Node loads dist/esm as ESM and dist/cjs as CJS.
// A bundler reads `sideEffects` from the nearest package.json, which is this one, not the
// package's own: it must repeat `sideEffects: false` or `import { track }` pulls in every module.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/esm/package.json', import.meta.url), '{ "type": "module", "sideEffects": false }\n');
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs", "sideEffects": false }\n');
