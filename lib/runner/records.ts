/**
 * What a run reports per file. The worker pool produces these, the CLI formats them, `audit`
 * grades them, and `run()` returns them: one shape for every consumer.
 */
import type { Finding } from '../findings';
import type { FileStatus, UnusedIgnore } from '../engine';
import type { ParserName } from '../parsers';
import type { FileContext } from '../context/types';

/** Where a file runs, as records show it (lib/context decides it; the evidence fields say why). */
export type RecordContext = Pick<FileContext, 'role' | 'roleEvidence' | 'moduleKind' | 'moduleEvidence' | 'environment' | 'environmentEvidence'> & {
  /** The nearest package.json (path relative to the run's cwd), its name and whether it is a published library. */
  package?: { manifest: string; name?: string; kind: 'library' | 'application' };
};

export interface FileRecord {
  /** Relative to the run's cwd, with forward slashes. */
  path: string;
  status: FileStatus;
  /** For `skipped` and `error`: a reason code (`too-large`, `binary`, `generated`, `parse-error`, ...). */
  reason?: string;
  /** For `error` (and some skips): one line saying what happened. */
  message?: string;
  /** For internal errors: the transform that failed. */
  transform?: string;
  parser?: ParserName;
  findings: Finding[];
  /** Unified diff (git-apply compatible) when `changed`. */
  diff?: string;
  durationMs: number;
  /** False when no transform's prefilter matched, so the file was never parsed. */
  parsed?: boolean;
  /** For `changed` files: `prettier@<version>` when the repository's Prettier formatted the new text. */
  formatter?: string;
  /** For `changed` files: true once the new text is on disk (never in --dry / --check / audit). */
  written?: boolean;
  /** With --report-unused-ignores: `leakfix-ignore` comments that suppress nothing. */
  unusedIgnores?: UnusedIgnore[];
  /** Set when writing replaced a read-only file. */
  replacedReadOnly?: boolean;
  /** Where the file runs, for every file that was read. */
  context?: RecordContext;
  /** For `changed` files: the new text imports the runtime and the old one did not. */
  runtimeImportAdded?: boolean;
}
