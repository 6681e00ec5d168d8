/**
 * The worker-thread pool. It starts once per run, hands out batches of paths (large at first,
 * smaller near the end so the threads finish together), and watches each worker through a shared
 * counter: a file that takes longer than the time limit, or whose worker dies, becomes an error
 * record, the worker is replaced, and the rest of its batch is handed out again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileResult } from './process-file';
import type { BatchMessage, WorkerInit, WorkerReply } from './protocol';

export const WORKER_SCRIPT = path.join(__dirname, 'worker.js');
const MAX_BATCH = 64;
const BATCHES_PER_WORKER = 4;
const MAX_START_FAILURES = 3;

export function workerScriptAvailable(): boolean {
  return fs.existsSync(WORKER_SCRIPT);
}

export interface PoolOptions {
  jobs: number;
  timeoutMs: number;
  init: Omit<WorkerInit, 'progress'>;
  onResult(result: FileResult): void;
}

interface Batch {
  id: number;
  files: string[];
  lastIndex: number;
  lastChange: number;
}

interface Slot {
  worker: Worker;
  progress: Int32Array;
  batch?: Batch;
  retired: boolean;
}

function failureRecord(file: string, reason: 'timeout' | 'worker-crashed', message: string): FileResult {
  return { record: { path: file, status: 'error', reason, message, findings: [], durationMs: 0, parsed: true } };
}

export function runPool(files: readonly string[], options: PoolOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const queue: string[] = [...files].reverse(); // pop() takes from the front of `files`
    const slots: Slot[] = [];
    const jobs = Math.max(1, Math.min(options.jobs, files.length));
    let nextBatchId = 0;
    let startFailures = 0;
    let finished = false;

    const finish = (error?: Error): void => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      for (const slot of slots) {
        slot.retired = true;
        void slot.worker.terminate();
      }
      if (error) reject(error);
      else resolve();
    };

    const deliver = (result: FileResult): void => {
      try {
        options.onResult(result);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };

    const takeBatch = (): string[] => {
      const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(queue.length / (jobs * BATCHES_PER_WORKER))));
      const batch: string[] = [];
      while (batch.length < size && queue.length > 0) batch.push(queue.pop()!);
      return batch;
    };

    const dispatch = (slot: Slot): void => {
      if (finished) return;
      const batchFiles = takeBatch();
      if (batchFiles.length === 0) {
        slot.batch = undefined;
        if (slots.every((s) => s.batch === undefined)) finish();
        return;
      }
      const batch: Batch = { id: nextBatchId++, files: batchFiles, lastIndex: -1, lastChange: Date.now() };
      slot.batch = batch;
      const message: BatchMessage = { type: 'batch', id: batch.id, files: batchFiles };
      slot.worker.postMessage(message);
    };

    /** The slot's worker died or hung: blame the file it was on, hand out the rest again, replace it. */
    const fail = (slot: Slot, reason: 'timeout' | 'worker-crashed', message: string): void => {
      if (slot.retired || finished) return;
      slot.retired = true;
      void slot.worker.terminate();
      const batch = slot.batch;
      slot.batch = undefined;
      const index = Atomics.load(slot.progress, 0);
      if (batch) {
        if (index >= 0 && index < batch.files.length) {
          startFailures = 0;
          deliver(failureRecord(batch.files[index], reason, message));
          for (let i = batch.files.length - 1; i >= 0; i--) if (i !== index) queue.push(batch.files[i]);
        } else {
          for (let i = batch.files.length - 1; i >= 0; i--) queue.push(batch.files[i]);
        }
      }
      if (index < 0 && ++startFailures > MAX_START_FAILURES) {
        finish(new Error(`worker threads keep failing to start: ${message}`));
        return;
      }
      const replacement = spawn();
      slots[slots.indexOf(slot)] = replacement;
      dispatch(replacement);
    };

    const spawn = (): Slot => {
      const progress = new SharedArrayBuffer(4);
      const counter = new Int32Array(progress);
      Atomics.store(counter, 0, -1);
      const init: WorkerInit = { ...options.init, progress };
      // A rule's console output goes to stderr: stdout may be a patch being written.
      const worker = new Worker(WORKER_SCRIPT, { workerData: init, stdout: true, stderr: true });
      worker.stdout.pipe(process.stderr, { end: false });
      worker.stderr.pipe(process.stderr, { end: false });
      const slot: Slot = { worker, progress: counter, retired: false };
      worker.on('message', (reply: WorkerReply) => {
        if (slot.retired || finished) return;
        if (reply.type === 'fatal') {
          finish(new Error(reply.message));
          return;
        }
        if (!slot.batch || reply.id !== slot.batch.id) return;
        startFailures = 0;
        for (const result of reply.results) deliver(result);
        dispatch(slot);
      });
      worker.on('error', (error: Error) => fail(slot, 'worker-crashed', `the worker crashed on this file: ${error.message.split('\n')[0]}`));
      worker.on('exit', (code) => fail(slot, 'worker-crashed', `the worker exited (code ${code}) while processing this file`));
      return slot;
    };

    const tick = Math.max(20, Math.min(250, Math.floor(options.timeoutMs / 4)));
    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const slot of [...slots]) {
        const batch = slot.batch;
        if (!batch || slot.retired) continue;
        const index = Atomics.load(slot.progress, 0);
        if (index !== batch.lastIndex) {
          batch.lastIndex = index;
          batch.lastChange = now;
        } else if (index >= 0 && now - batch.lastChange > options.timeoutMs) {
          fail(slot, 'timeout', `took longer than ${options.timeoutMs} ms (--timeout); the worker was restarted`);
        }
      }
    }, tick);

    if (files.length === 0) {
      finish();
      return;
    }
    for (let i = 0; i < jobs; i++) slots.push(spawn());
    for (const slot of slots) dispatch(slot);
  });
}
