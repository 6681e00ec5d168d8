import { loadConfig, maybeRefresh, saveUser } from './api';

class Job {
  then(onDone: () => void): void {
    onDone();
  }
}

export interface Query extends PromiseLike<string[]> {
  where(column: string): Query;
}

export class Retry extends Promise<void> {}

declare const anything: any;

export function run(job: Job, lazy: Query, pending: Promise<void>, retry: Retry, ready: boolean, maybe?: () => Promise<void>): void {
  job.then(() => undefined);
  anything.then(() => undefined);
  lazy.where('x');
  pending;
  maybe?.();
  maybeRefresh(ready);
  loadConfig() as Promise<Record<string, string>>;
  ready ? saveUser('a') : undefined;
  retry.finally(() => undefined);
}

export function* steps(): Generator<void, void, Promise<void>> {
  yield;
}
