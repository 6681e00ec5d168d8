/**
 * Benchmark run (d): the recast floor. Parses every file with recast (tokens on, the parser picked
 * per file by leakfix's table) and prints it back unchanged: the least work any recast-based
 * codemod pays per file.
 */
import type { API, FileInfo, Parser } from 'jscodeshift';
import { parserForFile, recastParser } from '../lib/parsers';

export default function reprint(file: FileInfo, api: API): string {
  const j = api.jscodeshift.withParser(recastParser(parserForFile(file.path, file.source)) as Parser);
  return j(file.source).toSource();
}
