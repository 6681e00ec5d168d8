import { loadConfig, maybeRefresh, saveUser } from './api';
import { track } from '@leakfix/runtime';

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
  track(loadConfig() as Promise<Record<string, string>>, 'run:loadConfig');
  ready ? saveUser('a') : undefined;
  track(retry.finally(() => undefined), 'run:retry');
}

export function* steps(): Generator<void, void, Promise<void>> {
  yield;
}
