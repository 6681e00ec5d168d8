#!/usr/bin/env node
// `npm test`: build (strict type-check of everything, runtime included), then every test suite.
// Node's test runner runs last so its summary closes the output.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function testFiles(dir, pattern) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...testFiles(full, pattern));
    else if (pattern.test(entry)) out.push(full);
  }
  return out.sort();
}

const filter = process.argv.slice(2);
run('npm', ['run', 'build', '--silent']);
if (filter.length === 0 && existsSync('runtime/vitest.config.mjs')) {
  run('npx', ['vitest', 'run', '--root', 'runtime', '--config', 'vitest.config.mjs']);
}
const files = [...testFiles('dist/__tests__', /\.test\.js$/), ...testFiles('runtime/test', /\.test\.(mjs|cjs|js)$/)]
  .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)));
run(process.execPath, ['--test', '--test-concurrency=2', ...files]);
