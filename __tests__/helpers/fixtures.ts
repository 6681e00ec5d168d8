/**
 * Fixture pairs: `__testfixtures__/<transform>/<case>.input.<ext>` and `<case>.output.<ext>`,
 * with an optional `<case>.options.json`:
 *   { "filePath": "src/x.test.ts", "options": { ...rule options }, "runtimeImport": "...",
 *     "package": { ...package.json of the file's package }, "tsconfig": { "moduleDetection": "auto" },
 *     "includeTests": true, "runtimeInLibraries": true, "runtimeInBrowser": true,
 *     "processFailureHandler": "server/server.js handles process 'unhandledRejection'",
 *     "findings": [{ "rule": "...", "status": "refused", "reason": "...", "line": 3 }] }
 * With `package`, the file's context (lib/context) is classified as if the file sat at `filePath`
 * in a package with that package.json; without it, from the path and text alone.
 * An unchanged case has an output identical to its input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES } from './paths';
import { classifyFile, packageFacts, type FileContext, type FolderFacts } from '../../lib/context';

export interface ExpectedFinding {
  rule: string;
  status: string;
  reason?: string;
  line?: number;
}

export interface FixtureCase {
  transform: string;
  name: string;
  ext: string;
  inputPath: string;
  outputPath: string;
  input: string;
  output: string;
  filePath: string;
  options: Record<string, unknown>;
  runtimeImport?: string;
  findings?: ExpectedFinding[];
  package?: Record<string, unknown>;
  /** compilerOptions `module` / `moduleDetection` of the file's tsconfig.json (lower-case). */
  tsconfig?: { module?: string; moduleDetection?: string };
  includeTests?: boolean;
  runtimeInLibraries?: boolean;
  runtimeInBrowser?: boolean;
  /** Evidence that the package handles process failures itself (what the resolver would find in its sources). */
  processFailureHandler?: string;
}

/**
 * A `filePath` under `__testfixtures__/` names a real file or folder (a typed-mode project with a
 * tsconfig.json): it is made absolute so it does not depend on the working directory.
 */
function fixtureFilePath(filePath: string | undefined): string | undefined {
  if (filePath === undefined || !filePath.startsWith('__testfixtures__/')) return filePath;
  return path.join(FIXTURES, filePath.slice('__testfixtures__/'.length));
}

export function fixtureCases(transform: string): FixtureCase[] {
  const dir = path.join(FIXTURES, transform);
  if (!fs.existsSync(dir)) return [];
  const cases: FixtureCase[] = [];
  for (const entry of fs.readdirSync(dir).sort()) {
    const match = /^(.*)\.input\.([a-z]+)$/.exec(entry);
    if (!match) continue;
    const [, name, ext] = match;
    const inputPath = path.join(dir, entry);
    const outputPath = path.join(dir, `${name}.output.${ext}`);
    const optionsPath = path.join(dir, `${name}.options.json`);
    const extra = fs.existsSync(optionsPath) ? (JSON.parse(fs.readFileSync(optionsPath, 'utf8')) as Partial<FixtureCase>) : {};
    cases.push({
      transform,
      name,
      ext,
      inputPath,
      outputPath,
      input: fs.readFileSync(inputPath, 'utf8'),
      output: fs.existsSync(outputPath) ? fs.readFileSync(outputPath, 'utf8') : '<missing output file>',
      filePath: fixtureFilePath(extra.filePath) ?? `src/${name}.${ext}`,
      options: extra.options ?? {},
      runtimeImport: extra.runtimeImport,
      findings: extra.findings,
      package: extra.package,
      tsconfig: extra.tsconfig,
      includeTests: extra.includeTests,
      runtimeInLibraries: extra.runtimeInLibraries,
      runtimeInBrowser: extra.runtimeInBrowser,
      processFailureHandler: extra.processFailureHandler,
    });
  }
  return cases;
}

/** One named case of `transform`; throws when there is none, so a renamed fixture fails loudly. */
export function fixtureCase(transform: string, name: string, cases: readonly FixtureCase[] = fixtureCases(transform)): FixtureCase {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture ${transform}/${name}`);
  return found;
}

/** The fixture's file context: in a virtual package when the case names one. */
export function fixtureContext(fixture: FixtureCase): FileContext | undefined {
  // A real file under __testfixtures__ (typed-mode projects): only its own folder is its project.
  if (!fixture.package && path.isAbsolute(fixture.filePath)) return classifyFile(fixture.filePath, fixture.input, { rootDir: path.dirname(fixture.filePath) });
  if (!fixture.package && !fixture.tsconfig && !fixture.processFailureHandler) return undefined;
  const dir = path.resolve('/virtual-package');
  const json = fixture.package ?? { name: 'virtual', private: true };
  const type = json.type === 'module' ? 'module' : 'commonjs';
  const facts: FolderFacts = { package: packageFacts(path.join(dir, 'package.json'), json, type), packageDir: dir, rootDir: dir };
  if (fixture.tsconfig) facts.tsconfig = fixture.tsconfig;
  const handler = fixture.processFailureHandler;
  if (handler) facts.processFailureHandler = () => handler;
  return classifyFile(path.join(dir, fixture.filePath), fixture.input, facts);
}

