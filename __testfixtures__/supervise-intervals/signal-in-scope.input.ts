import { poll, renew } from './lease';

export function watchJobs(queue: string, signal: AbortSignal): void {
  setInterval(() => poll(queue), 1_000);
}

export function keepLease(options: { id: string; signal?: AbortSignal }): void {
  if (options.signal?.aborted) return;
  setInterval(() => renew(options.id), 10_000);
}
