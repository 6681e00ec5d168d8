#!/usr/bin/env node
/**
 * The leakfix command line: parses arguments with yargs and calls lib/cli. Nothing else.
 */
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runAuditCommand, type AuditFlags } from '../lib/cli/audit';
import { runListCommand } from '../lib/cli/list';
import { MERGE_FORMATS, runMergeCommand, type MergeFlags } from '../lib/cli/merge';
import { runTransformCommand, type TransformFlags } from '../lib/cli/transform';
import { FORMATS } from '../lib/cli/common';
import { versionText } from '../lib/cli/version';
import { PARSER_NAMES } from '../lib/parsers';
import { RULES } from '../transforms';

const EXIT_CODES = `Exit codes:
  0  done: nothing to do, or the changes were applied
  1  --check found files that would change
  2  some files failed to parse or transform (the others were still processed)
  3  usage or configuration error, or nothing written because target files have
     uncommitted changes (see --allow-dirty)
--quiet does not change them.`;

const AUDIT_EXIT_CODES = `Exit codes:
  0  done (without --fail-on, whatever was found)
  1  --fail-on found new findings (not in the --baseline, not leakfix-ignore'd) of that grade or worse
  2  no gate failure, but some files could not be audited (parse or internal errors)
  3  usage or configuration error (bad flag, missing or invalid baseline file)
--quiet does not change them. See docs/audit.md.`;

function sharedOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .positional('paths', { describe: 'Files and directories', type: 'string', array: true, defaultDescription: 'the current directory' })
    .option('transform', { alias: 't', type: 'string', requiresArg: true, describe: 'Only these transforms (comma-separated or repeated)' })
    .option('skip', { type: 'string', requiresArg: true, describe: 'Leave out these transforms' })
    .option('extensions', { type: 'string', requiresArg: true, describe: 'File extensions to look at', defaultDescription: 'js,jsx,mjs,cjs,ts,tsx,mts,cts' })
    .option('include', { type: 'string', requiresArg: true, describe: 'Only files matching this glob (repeatable)' })
    .option('exclude', { alias: 'ignore-pattern', type: 'string', requiresArg: true, describe: 'Leave out files matching this glob (repeatable)' })
    .option('changed-since', { type: 'string', requiresArg: true, describe: 'Only files changed since this git ref' })
    .option('files-from', { type: 'string', requiresArg: true, describe: 'Read the file list from a file (- for stdin)' })
    .option('max-size', { type: 'string', requiresArg: true, describe: 'Skip larger files', defaultDescription: '1mb' })
    .option('include-tests', { type: 'boolean', describe: 'Also look at test and fixture files (skipped by default; see docs/context.md)' })
    .option('typed', { type: 'boolean', describe: 'track-async: find floating promises with the TypeScript type checker (nearest tsconfig.json)' })
    .option('parser', { type: 'string', choices: [...PARSER_NAMES], describe: 'Parse every file with this parser', defaultDescription: 'by extension' })
    .option('jobs', { alias: ['j', 'cpus'], type: 'number', requiresArg: true, describe: 'Worker threads (0: main thread only)', defaultDescription: 'number of cores' })
    .option('timeout', { type: 'number', requiresArg: true, describe: 'Per-file time limit in ms', defaultDescription: '30000' })
    .option('shard', { type: 'string', requiresArg: true, describe: 'Only shard i of n (i/n, by hashed path)' })
    .option('option', { type: 'string', requiresArg: true, describe: 'A transform option: <transform>.<key>=<value> (repeatable)' })
    .option('config', { type: 'string', requiresArg: true, describe: 'Configuration file', defaultDescription: 'leakfix.config.json or package.json "leakfix"' })
    .option('no-config', { type: 'boolean', describe: 'Ignore configuration files' })
    .option('format', { type: 'string', choices: [...FORMATS], describe: 'Report format', defaultDescription: 'text' })
    .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write the report (or the diffs) to this file' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress and no summary; errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Also list skipped files, sites left for review and the slowest files' })
    .option('color', { type: 'boolean', describe: 'Force coloured output on or off (--no-color)', defaultDescription: 'on a terminal' })
    .conflicts('quiet', 'verbose');
}

/** yargs turns `--no-config` into `config: false`; keep `config` a path and `noConfig` a boolean. */
function normalise(argv: Record<string, unknown>): Record<string, unknown> {
  const flags = { ...argv };
  if (flags.config === false) {
    delete flags.config;
    flags.noConfig = true;
  }
  return flags;
}

const COMMANDS = ['transform', 'audit', 'merge', 'list'];

/** yargs' messages as one line: an unknown first word is an unknown command; multi-line messages are joined. */
function usageMessage(message: string | undefined, error: unknown): string {
  const args = hideBin(process.argv);
  const first = args[0];
  if (first !== undefined && !first.startsWith('-') && !COMMANDS.includes(first)) {
    return `unknown command "${first}" (valid: ${COMMANDS.join(', ')}; see leakfix --help)`;
  }
  const raw = message || (error instanceof Error ? error.message : String(error));
  const text = raw
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
  const command = first && COMMANDS.includes(first) ? ` ${first}` : '';
  const unknown = /^Unknown arguments?: (.*)$/.exec(text);
  if (unknown) {
    // yargs lists `--foo-bar` twice (foo-bar, fooBar) and names flags without their dashes.
    const names = unknown[1].split(/,\s*/);
    const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const unique = names.filter((name, i) => !(name !== kebab(name) && names.includes(kebab(name))) && names.indexOf(name) === i);
    const flags = unique.map((name) => (name.length === 1 ? `-${name}` : `--${name}`));
    return `unknown option${flags.length === 1 ? '' : 's'} ${flags.join(', ')} (see leakfix${command} --help)`;
  }
  return `${text} (see leakfix${command} --help)`;
}

async function main(): Promise<number> {
  let exitCode = 0;
  const cli = yargs(hideBin(process.argv))
    .scriptName('leakfix')
    .usage('leakfix <command> [options]\n\nFind and fix resource leaks in JavaScript and TypeScript.')
    .command(
      'transform [paths..]',
      'Rewrite leaky code (writes files unless --dry or --check)',
      (y) =>
        sharedOptions(y)
          .option('dry', { alias: 'd', type: 'boolean', describe: 'Write nothing; print a unified diff per changed file (git apply accepts it)' })
          .option('check', { type: 'boolean', describe: 'Write nothing; exit 1 when any file would change (a CI gate)' })
          .option('allow-dirty', { type: 'boolean', describe: 'Write even to files with uncommitted git changes' })
          .option('add-dependency', { type: 'boolean', describe: 'Add @leakfix/runtime to the nearest package.json when changed files import it (--no-add-dependency: do not)', defaultDescription: 'true' })
          .option('runtime-in-libraries', { type: 'boolean', describe: 'Allow fixes that add @leakfix/runtime in published library packages (refused by default)' })
          .option('runtime-in-browser', { type: 'boolean', describe: 'Allow fixes that add @leakfix/runtime in browser code (refused by default)' })
          .option('runtime-import', { type: 'string', requiresArg: true, describe: 'Module the inserted runtime calls import from', defaultDescription: '@leakfix/runtime' })
          .option('prettier', {
            type: 'boolean',
            describe: "Format changed files with the repository's own Prettier and config when it is installed and the file was Prettier-clean; --no-prettier changes only the rewritten lines",
            defaultDescription: 'true',
          })
          .option('interactive', { alias: 'i', type: 'boolean', describe: 'Review each change on a terminal: y apply, n skip, a rest of file, q quit, ? help' })
          .option('split-by', { type: 'string', requiresArg: true, describe: 'Write one patch + PR body + JSON per group: package, directory:N or codeowners (needs --out-dir; writes no sources)' })
          .option('out-dir', { type: 'string', requiresArg: true, describe: 'Folder for --split-by output (README.md indexes the groups)' })
          .option('max-files', { type: 'number', requiresArg: true, describe: 'With --split-by: at most N files per group' })
          .option('print', { alias: 'p', type: 'boolean', describe: 'Print the transformed source of one file to stdout (writes nothing)' })
          .option('stdin', { type: 'boolean', describe: 'Read source from stdin, print the transformed source (needs --stdin-filename)' })
          .option('stdin-filename', { type: 'string', requiresArg: true, describe: 'The path --stdin source is treated as (parser, config, test-file rules)' })
          .option('report-unused-ignores', { type: 'boolean', describe: 'List leakfix-ignore comments that suppress nothing (exit 1 with --check)' })
          .example('leakfix transform --dry examples/', 'Show the diffs for examples/')
          .example('leakfix transform --dry > fix.patch', 'Save the changes as a patch (git apply fix.patch)')
          .example('leakfix transform -t supervise-intervals src/', 'Run one transform and write the changes')
          .example('leakfix transform --check', 'CI gate: exit 1 when a file would change')
          .example('leakfix transform --changed-since origin/main --format markdown -o pr.md', 'Fix changed files, write a PR description')
          .example('leakfix transform --dry --shard 2/4', 'The second of four CI shards')
          .example('leakfix transform --split-by codeowners --out-dir prs/', 'One patch and PR body per code owner')
          .example('leakfix transform -i', 'Review and apply change by change')
          .epilogue(EXIT_CODES),
      async (argv) => {
        exitCode = await runTransformCommand(normalise(argv) as unknown as TransformFlags, RULES);
      },
    )
    .command(
      'audit [paths..]',
      'Report leak-prone sites without changing anything',
      (y) =>
        sharedOptions(y)
          // Appends to the shared --format choices; `text` is the terminal report.
          .option('format', { type: 'string', choices: ['terminal', 'sarif', 'github'], describe: 'Report format: terminal (text), json, markdown, sarif, github' })
          .option('fail-on', { type: 'string', choices: ['red', 'yellow'], describe: 'Exit 1 when new (not baselined) findings of this grade or worse exist' })
          .option('baseline', { type: 'string', requiresArg: true, describe: 'Baseline file of accepted findings: only new findings fail --fail-on' })
          .option('update-baseline', { type: 'boolean', describe: 'Write the current findings to the --baseline file (accept them)' })
          .example('leakfix audit --format sarif -o leakfix.sarif', 'SARIF for GitHub code scanning')
          .example('leakfix audit --baseline .leakfix-baseline.json --fail-on red', 'CI gate: fail on new RED findings only')
          .example('leakfix audit src/', 'List every leak-prone site under src/')
          .example('leakfix audit --format json -o audit.json', 'Save the findings as JSON')
          .epilogue(AUDIT_EXIT_CODES),
      async (argv) => {
        exitCode = await runAuditCommand(normalise(argv) as unknown as AuditFlags, RULES);
      },
    )
    .command(
      'merge <reports..>',
      'Combine the JSON reports of --shard runs into one patch, PR body and report',
      (y) =>
        y
          .positional('reports', { describe: 'JSON reports (leakfix transform --shard i/n --format json)', type: 'string', array: true })
          .option('format', { type: 'string', choices: [...MERGE_FORMATS], describe: 'What to print: the patch (text), json or markdown', defaultDescription: 'text' })
          .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write it to this file' })
          .option('out-dir', { type: 'string', requiresArg: true, describe: 'Write fix.patch, pr.md and report.json here (or the groups, with --split-by)' })
          .option('split-by', { type: 'string', requiresArg: true, describe: 'package, directory:N or codeowners (with --out-dir)' })
          .option('max-files', { type: 'number', requiresArg: true, describe: 'With --split-by: at most N files per group' })
          .option('quiet', { alias: 'q', type: 'boolean', describe: 'No summary on stderr' })
          .example('leakfix merge shards/*.json --out-dir merged', 'merged/fix.patch, merged/pr.md, merged/report.json')
          .example('leakfix merge shard-*.json --format markdown -o pr.md', 'Only the PR body'),
      (argv) => {
        exitCode = runMergeCommand(argv as unknown as MergeFlags, RULES);
      },
    )
    .command(
      'list',
      'List the transforms, their descriptions and options',
      (y) => y.option('json', { type: 'boolean', describe: 'As JSON' }).example('leakfix list', 'Show every transform and its options'),
      (argv) => {
        exitCode = runListCommand({ json: argv.json === true }, RULES);
      },
    )
    .example('leakfix transform --dry examples/', 'Show what leakfix would change in examples/')
    .example('leakfix list', 'List the transforms')
    .demandCommand(1, 'Name a command: transform, audit, merge or list.')
    .recommendCommands()
    .strict()
    .version(versionText())
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .epilogue(EXIT_CODES)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      process.stderr.write(`leakfix: ${usageMessage(message, error)}\n`);
      process.exit(3);
    });
  await cli.parseAsync();
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`leakfix: internal error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exitCode = 2;
  },
);
