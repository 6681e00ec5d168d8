/**
 * A one-line progress bar with counts and ETA, on stderr, redrawn at most ten times a second.
 * Shown only when stderr is a terminal and the run is not on CI (and not --quiet).
 */
import type { RunProgress } from './run';

export function progressWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb';
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

  update(progress: RunProgress): void {
    const now = Date.now();
    if (now - this.lastDraw < 100 && progress.done < progress.total) return;
    this.lastDraw = now;
    const width = 24;
    const ratio = progress.total === 0 ? 1 : progress.done / progress.total;
    const filled = Math.round(ratio * width);
    const eta = progress.done > 0 ? (progress.elapsedMs / progress.done) * (progress.total - progress.done) : 0;
    const line =
      `${this.label} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${progress.done}/${progress.total} files` +
      `, ${progress.changed} changed, ${progress.failed} failed, ETA ${progress.done > 0 ? seconds(eta) : '?'}`;
    const columns = this.stream.columns || 100;
    this.stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
