export interface Deferred extends PromiseLike<void> {
  resolveNow(): void;
}

export interface Query extends PromiseLike<string[]> {
  where(column: string): Query;
}

export function flushAll(queue: Deferred, lazy: Query): void {
  queue;
  makeDeferred();
  lazy.where('x');
}

declare function makeDeferred(): Deferred;
