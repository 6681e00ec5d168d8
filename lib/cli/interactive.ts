/**
 * `leakfix transform -i`: review each site before it is written. A dry run finds the files that
 * would change; then, file by file, each fixed site is shown with its own diff (the engine run with
 * only that site enabled, by fingerprint) and its message, and the answer decides:
 *
 *   y  apply this site      n  skip it      a  apply it and the rest of this file
 *   q  stop (this file's accepted sites are still written)      ?  help
 *
 * The file is then produced by the engine with exactly the accepted sites enabled (so the written
 * text is what that subset gives, never a splice of hunks) and written through the same atomic,
 * unchanged-since-read write as a normal run. Keys are read one at a time in raw mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isColorSupported } from 'picocolors';
import { processSource, type EngineSettings } from '../engine';
import type { Finding } from '../findings';
import type { LeakRule } from '../rule';
import { formatPosition } from '../findings';
import { unifiedDiff } from '../runner/diff';
import { UsageError } from '../runner/errors';
import { dirtyFiles, findGitRoot, gitRootsOf } from '../runner/git';
import { hashBytes, type ProcessSettings } from '../runner/process-file';
import { colorDiffLine, colorsFor, type Colors } from '../runner/report';
import { engineSetup, run, type RunOptions } from '../runner/run';
import { writeIfUnchanged } from '../runner/write';
import { plural } from '../text';

export const INTERACTIVE_HELP = [
  'y - apply this change',
  'n - leave this site as it is',
  'a - apply this change and every remaining change in this file',
  'q - quit; changes accepted so far are written, nothing else',
  '? - show this help',
].join('\n');

/** Single keys from a raw-mode terminal. */
class KeyReader {
  private readonly queue: string[] = [];
  private waiting: ((key: string) => void) | undefined;
  private readonly onData = (chunk: string): void => {
    for (const key of chunk) {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(key);
      } else this.queue.push(key);
    }
  };

  constructor(private readonly input: NodeJS.ReadStream) {
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', this.onData);
    input.resume();
  }

  next(): Promise<string> {
    const key = this.queue.shift();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    this.input.off('data', this.onData);
    this.input.setRawMode(false);
    this.input.pause();
  }
}

type Answer = 'y' | 'n' | 'a' | 'q' | 'abort';

async function ask(keys: KeyReader, out: NodeJS.WriteStream, prompt: string): Promise<Answer> {
  for (;;) {
    out.write(prompt);
    const key = (await keys.next()).toLowerCase();
    if (key === '\x03') {
      out.write('^C\n');
      return 'abort';
    }
    if (key === 'y' || key === 'n' || key === 'a' || key === 'q') {
      out.write(`${key}\n`);
      return key;
    }
    if (key === '\r' || key === '\n') {
      out.write('\n');
      continue;
    }
    out.write(`${key === '?' ? '?' : key}\n${INTERACTIVE_HELP}\n`);
  }
}

function engineSettings(rules: readonly LeakRule[], settings: ProcessSettings, onlySites?: ReadonlySet<string>): EngineSettings {
  const engine: EngineSettings = {
    rules,
    mode: 'transform',
    parser: settings.parser,
    ruleOptions: settings.ruleOptions,
    runtimeImport: settings.runtimeImport,
    knownTransforms: settings.knownTransforms,
  };
  if (onlySites) engine.onlySites = onlySites;
  return engine;
}

function colorDiff(diff: string, c: Colors): string {
  return diff
    .split('\n')
    .map((line) => colorDiffLine(line, c))
    .join('\n');
}

export interface InteractiveOutcome {
  exitCode: number;
  accepted: number;
  offered: number;
  written: number;
}

/**
 * The interactive session. `options` are the transform's run options (dry/check are forced off:
 * this mode writes). Throws UsageError when stdin is not a terminal.
 */
export async function runInteractive(options: RunOptions, flags: { color?: boolean; allowDirty?: boolean }): Promise<InteractiveOutcome> {
  const input = process.stdin;
  const out = process.stdout;
  if (!input.isTTY || typeof input.setRawMode !== 'function') throw new UsageError('--interactive needs a terminal on stdin (use --dry to see the changes instead)');
  const c = colorsFor(flags.color ?? (out.isTTY === true && isColorSupported));
  const dry = await run({ ...options, dry: true, check: false });
  const changed = dry.records.filter((r) => r.status === 'changed');
  const outcome: InteractiveOutcome = { exitCode: dry.summary.failed > 0 ? 2 : 0, accepted: 0, offered: 0, written: 0 };
  if (changed.length === 0) {
    out.write('leakfix: nothing to change.\n');
    return outcome;
  }
  if (!flags.allowDirty) {
    const absolute = changed.map((r) => path.resolve(dry.cwd, r.path));
    const dirty = new Set<string>();
    for (const root of gitRootsOf(absolute)) for (const file of dirtyFiles(root) ?? []) dirty.add(file);
    const refused = changed.filter((r) => dirty.has(path.resolve(dry.cwd, r.path))).map((r) => r.path);
    if (refused.length > 0) {
      throw new UsageError(`refusing to write: ${plural(refused.length, 'file')} that would change ${refused.length === 1 ? 'has' : 'have'} uncommitted changes (${refused.slice(0, 5).join(', ')}). Commit or stash them first, or pass --allow-dirty.`);
    }
  }
  const { rules, settings } = engineSetup({ ...options, dry: true });
  const keys = new KeyReader(input);
  let stop = false;
  try {
    out.write(`${plural(changed.length, 'file')} would change. Answer y, n, a, q or ? for each change.\n`);
    for (const [fileIndex, record] of changed.entries()) {
      if (stop) break;
      const absolute = path.resolve(dry.cwd, record.path);
      const bytes = fs.readFileSync(absolute);
      const text = bytes.toString('utf8');
      const full = processSource(record.path, text, engineSettings(rules, settings));
      const sites = full.findings.filter((f) => f.status === 'fixed');
      const accepted = new Set<string>();
      let rest = false;
      let abort = false;
      for (const [siteIndex, site] of sites.entries()) {
        outcome.offered++;
        if (rest) {
          accepted.add(site.fingerprint);
          continue;
        }
        showSite(out, c, record.path, text, site, rules, settings, `file ${fileIndex + 1}/${changed.length}, change ${siteIndex + 1}/${sites.length}`);
        const answer = await ask(keys, out, c.bold(`Apply this change [y,n,a,q,?]? `));
        if (answer === 'abort') {
          abort = true;
          stop = true;
          break;
        }
        if (answer === 'y' || answer === 'a') accepted.add(site.fingerprint);
        if (answer === 'a') rest = true;
        if (answer === 'q') {
          stop = true;
          break;
        }
      }
      if (abort || accepted.size === 0) continue;
      outcome.accepted += accepted.size;
      const subset = processSource(record.path, text, engineSettings(rules, settings, accepted));
      if (subset.status !== 'changed' || subset.output === undefined) continue;
      const written = writeIfUnchanged(absolute, subset.output, hashBytes(bytes));
      if (written.ok) {
        outcome.written++;
        out.write(`${c.green('wrote')} ${record.path} (${plural(accepted.size, 'change')})${written.readOnly ? ' (it was read-only)' : ''}\n`);
      } else {
        out.write(`${c.red('not written')} ${record.path}: ${written.message}\n`);
        outcome.exitCode = 2;
      }
    }
  } finally {
    keys.close();
  }
  const outside = findGitRoot(dry.cwd) === undefined && outcome.written > 0 ? ' (not in a git repository: keep a copy to undo)' : '';
  out.write(`leakfix: ${plural(outcome.accepted, 'change')} of ${outcome.offered} accepted, ${plural(outcome.written, 'file')} written${outside}.\n`);
  return outcome;
}

function showSite(
  out: NodeJS.WriteStream,
  c: Colors,
  file: string,
  text: string,
  site: Finding,
  rules: readonly LeakRule[],
  settings: ProcessSettings,
  where: string,
): void {
  const alone = processSource(file, text, engineSettings(rules, settings, new Set([site.fingerprint])));
  out.write(`\n${c.bold(`${file}:${formatPosition(site.start)}`)} ${site.transform}/${site.rule} (${where})\n${site.message}\n`);
  if (alone.status === 'changed' && alone.output !== undefined) out.write(colorDiff(unifiedDiff(file, text, alone.output), c));
  else out.write('(this change needs another accepted change in this file to apply)\n');
}
