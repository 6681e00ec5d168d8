/**
 * Worker-thread entry of the pool: loads the rules once, then processes batches of paths,
 * reading each file itself, and answers with one message per batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareFile, preparingRules, processFile } from './process-file';
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
  const preparing = preparingRules(loadedRules, init.settings);
  // One per worker: package.json, tsconfig and test configs are read once per folder.
  const resolver = new ContextResolver();
  port.on('message', async (message: BatchMessage) => {
    const results = [];
    for (const [index, file] of message.files.entries()) {
      // Preparing (building a TypeScript Program) happens while the slot reads idle (-1): the
      // watchdog's per-file time limit starts only once the file itself is processed.
      Atomics.store(current, 0, -1);
      const prepared = prepareFile(file, preparing, init.settings);
      Atomics.store(current, 0, index);
      const result = await processFile(file, loadedRules, init.settings, resolver);
      if (prepared) result.prepared = prepared;
      results.push(result);
    }
    Atomics.store(current, 0, -1);
    const reply: WorkerReply = { type: 'results', id: message.id, results };
    port.postMessage(reply);
  });
}

start();
