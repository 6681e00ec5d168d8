/** Messages between the main thread and the worker threads of the pool. */
import type { FileResult, ProcessSettings } from './process-file';
import type { RuleSource } from './rules';

export interface WorkerInit {
  settings: ProcessSettings;
  rules: RuleSource[];
  /**
   * Shared with the main thread: slot 0 holds the index (in the current batch) of the file being
   * processed, -1 when idle, so a watchdog can tell which file hangs or crashed without a message
   * per file.
   */
  progress: SharedArrayBuffer;
}

export interface BatchMessage {
  type: 'batch';
  id: number;
  files: string[];
}

export type WorkerReply = { type: 'results'; id: number; results: FileResult[] } | { type: 'fatal'; message: string };
