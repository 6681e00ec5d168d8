#!/usr/bin/env node
// leakfix and @leakfix/runtime are versioned together: the same version, and the runtime range the
// CLI declares (the optional peer dependency, what `leakfix --version` prints and rewritten code
// imports) is `^<that version>`. Run by `prepack` and by the package tests; exits 1 on a mismatch.
import { readFileSync } from 'node:fs';

const read = (file) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
const cli = read('../package.json');
const runtime = read('../runtime/package.json');
const range = cli.peerDependencies?.['@leakfix/runtime'];
const problems = [];
if (runtime.version !== cli.version) problems.push(`runtime/package.json version ${runtime.version} differs from package.json version ${cli.version}`);
if (range !== `^${cli.version}`) problems.push(`package.json peerDependencies["@leakfix/runtime"] is ${JSON.stringify(range)}, expected "^${cli.version}"`);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`check-versions: ${problem}\n`);
  process.stderr.write('check-versions: bump both with `npm version <v> --workspaces --include-workspace-root` and update the peer range\n');
  process.exit(1);
}
