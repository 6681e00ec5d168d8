/**
 * Worker-thread entry of the pool: loads the rules once, then processes batches of paths,
 * reading each file itself, and answers with one message per batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { processFile } from './process-file';
import type { BatchMessage, WorkerInit, WorkerReply } from './protocol';
import { rulesFromSources } from './rules';
import { ContextResolver } from '../context';

function start(): void {
  const port = parentPort;
  if (!port) throw new Error('lib/runner/worker.js must run in a worker thread');
  const init = workerData as WorkerInit;
  const current = new Int32Array(init.progress);
  let rules;
  try {
    rules = rulesFromSources(init.rules);
  } catch (error) {
    const reply: WorkerReply = { type: 'fatal', message: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
    return;
  }
  const loadedRules = rules;
  // One per worker: package.json, tsconfig and test configs are read once per folder.
  const resolver = new ContextResolver();
  port.on('message', (message: BatchMessage) => {
    const results = message.files.map((file, index) => {
      Atomics.store(current, 0, index);
      return processFile(file, loadedRules, init.settings, resolver);
    });
    Atomics.store(current, 0, -1);
    const reply: WorkerReply = { type: 'results', id: message.id, results };
    port.postMessage(reply);
  });
}

start();
