import * as fs from 'node:fs';
import * as path from 'node:path';

/** The version in leakfix's own package.json (found from dist/ or from source). */
export function leakfixVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'leakfix' && parsed.version) return parsed.version;
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}
