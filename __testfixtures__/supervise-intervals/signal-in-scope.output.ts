import { poll, renew } from './lease';
import { supervise } from '@leakfix/runtime';

export function watchJobs(queue: string, signal: AbortSignal): void {
  supervise('poll', () => poll(queue), { everyMs: 1_000, signal });
}

export function keepLease(options: { id: string; signal?: AbortSignal }): void {
  if (options.signal?.aborted) return;
  supervise('renew', () => renew(options.id), { everyMs: 10_000, signal: options.signal });
}
