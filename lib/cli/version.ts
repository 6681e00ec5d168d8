import * as fs from 'node:fs';
import * as path from 'node:path';

interface Manifest {
  name?: string;
  version?: string;
  peerDependencies?: Record<string, string>;
}

let manifest: Manifest | undefined;

/** leakfix's own package.json, found upwards from dist/ (installed or in the repository) or from source. */
function ownManifest(): Manifest {
  if (manifest) return manifest;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
      if (parsed.name === 'leakfix' && parsed.version) return (manifest = parsed);
    }
    if (path.dirname(dir) === dir) return (manifest = {});
  }
}

/** The version in leakfix's own package.json. */
export function leakfixVersion(): string {
  return ownManifest().version ?? '0.0.0';
}

/**
 * The @leakfix/runtime versions the rewritten code is written against (a semver range): the
 * optional peer dependency in leakfix's package.json. Both packages are versioned together
 * (scripts/check-versions.mjs), so this is `^<leakfix's version>`.
 */
export function runtimeVersionRange(): string {
  return ownManifest().peerDependencies?.['@leakfix/runtime'] ?? `^${leakfixVersion()}`;
}

/** What `leakfix --version` prints: the CLI's version, then the runtime the transforms import. */
export function versionText(): string {
  return `leakfix ${leakfixVersion()}\n@leakfix/runtime ${runtimeVersionRange()} (imported by rewritten code)`;
}
