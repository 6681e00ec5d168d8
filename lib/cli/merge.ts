/**
 * `leakfix merge <report.json>...`: the JSON reports of sharded runs (`--shard i/n --format json`)
 * as one run: `--format text` (the patch, default), `json` or `markdown` on stdout or `-o FILE`;
 * `--out-dir DIR` writes all three (fix.patch, pr.md, report.json), or the split groups with
 * `--split-by`. Run it from the directory the shards ran in: record paths are relative to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReport, mergeReports } from '../runner/merge';
import { formatDiffs, formatJson, formatMarkdown } from '../runner/report';
import { registryRules } from '../runner/rules';
import { parseSplitBy, writeSplit } from '../runner/split';
import { UsageError } from '../runner/errors';
import { plural } from '../text';
import { emit, exitCodeForThrown, prepareOutput, RULE_MODULES_ENV } from './common';
import { leakfixVersion } from './version';
import type { LeakRule } from '../rule';

export interface MergeFlags {
  reports?: string[];
  format?: string;
  output?: string;
  outDir?: string;
  splitBy?: string;
  maxFiles?: number;
  quiet?: boolean;
  cwd?: string;
}

export const MERGE_FORMATS = ['text', 'json', 'markdown'] as const;

/** `registry`: the built-in transforms, handed down by bin/ (LEAKFIX_RULE_MODULES replaces them). */
export function runMergeCommand(flags: MergeFlags, registry: readonly LeakRule[]): number {
  try {
    const cwd = path.resolve(flags.cwd ?? process.cwd());
    const files = flags.reports ?? [];
    if (files.length === 0) throw new UsageError('merge: name the JSON reports to merge (leakfix transform --shard i/n --format json -o shard-i.json)');
    const format = flags.format ?? 'text';
    if (!(MERGE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected one of ${MERGE_FORMATS.join(', ')}, got "${format}"`);
    if (flags.splitBy !== undefined && flags.outDir === undefined) throw new UsageError('--split-by needs --out-dir DIR');
    if (flags.maxFiles !== undefined && flags.splitBy === undefined) throw new UsageError('--max-files is for --split-by');
    if (flags.outDir !== undefined && (flags.output !== undefined || flags.format !== undefined)) throw new UsageError('--out-dir writes every format; leave out --output and --format');
    const modules = process.env[RULE_MODULES_ENV]?.split(path.delimiter).filter(Boolean);
    const rules = registryRules(registry, cwd, modules).map((r) => r.rule);
    const merged = mergeReports(files.map((file) => ({ file, report: readReport(file, cwd) })), rules, cwd);
    const version = leakfixVersion();
    if (flags.outDir !== undefined) {
      prepareOutput(flags.outDir, cwd, '--out-dir', true);
      const dir = path.resolve(cwd, flags.outDir);
      if (flags.splitBy !== undefined) {
        const split = writeSplit(merged, { by: parseSplitBy(flags.splitBy), cwd, outDir: dir, maxFiles: flags.maxFiles, version });
        if (!flags.quiet) process.stderr.write(`leakfix merge: ${plural(files.length, 'report')}, ${plural(split.groups.length, 'group')} written to ${flags.outDir}\n`);
      } else {
        fs.writeFileSync(path.join(dir, 'fix.patch'), formatDiffs(merged.records, undefined, merged.dependencies));
        fs.writeFileSync(path.join(dir, 'pr.md'), formatMarkdown(merged, version));
        fs.writeFileSync(path.join(dir, 'report.json'), formatJson(merged, version));
        if (!flags.quiet) process.stderr.write(`leakfix merge: ${plural(files.length, 'report')} → ${flags.outDir}/fix.patch, pr.md, report.json\n`);
      }
    } else {
      if (flags.output !== undefined) prepareOutput(flags.output, cwd, '--output');
      const text = format === 'json' ? formatJson(merged, version) : format === 'markdown' ? formatMarkdown(merged, version) : formatDiffs(merged.records, undefined, merged.dependencies);
      emit(text, flags.output, cwd);
    }
    if (!flags.quiet) {
      const s = merged.summary;
      process.stderr.write(`leakfix merge: ${plural(s.found, 'file')}, ${s.changed} ${merged.apply ? 'changed' : 'would change'}, ${s.failed} failed\n`);
    }
    return 0;
  } catch (error) {
    return exitCodeForThrown(error);
  }
}
