/**
 * The fake world of the loop shapes break-to-return rewrites: message queues, endless
 * subscriptions and ordinary streams on top of the recording world (world.ts).
 *
 * Every source picks its next item from the run's branch answers (one answer per item type, all
 * `false` meaning "nothing more"), so paths differ in which messages arrive and how many. What a
 * source has no item for depends on its kind: a queue (`receive`) and a subscription
 * (`subscribe`) never end by themselves, so the run hangs there; a stream (`stream`, `items`)
 * ends, and its loop with it. A completion message (`'end'`, `'close'`, ...) is the last a queue
 * or subscription delivers: after it the producer is gone, the next read hangs. That is the
 * premise of the transform: a loop that goes on reading after `'end'` waits for ever.
 *
 * Iterators record `next <source> -> <type>` for each item and `close <source>` when the loop
 * calls their `return()` (a `break`, `return` or throw out of a `for...of`), since closing the
 * iterator is behaviour too. `mark()` events come only from the oracle's instrumented programs.
 */
import { World } from './world';

/** Message types that end their queue or subscription: the generator's sentinels. */
export const COMPLETION_TYPES: readonly string[] = ['end', 'close', 'done', 'stop', 'message_stop'];

/** Enough answers for a few items per loop, a branch in each, and code after the loops. */
const LOOP_WORLD_MAX_CHOICES = 8;

export interface Message {
  type: string;
}

type Item = IteratorResult<Message, undefined>;

export class LoopWorld extends World {
  protected override readonly maxChoices = LOOP_WORLD_MAX_CHOICES;
  /** Queues that delivered their completion message. */
  private readonly finishedQueues = new Set<string>();

  /** An event of the oracle's instrumentation (which break ran, which loop iterates). */
  mark(label: string): void {
    this.events.push(`mark ${label}`);
  }

  /** One of `types` by the branch answers; the last is the default (no answer spent on it). */
  kind(...types: string[]): string {
    this.alive();
    const chosen = types.slice(0, -1).find(() => this.decide()) ?? types[types.length - 1];
    this.events.push(`kind -> ${chosen}`);
    return chosen;
  }

  /** A message of one of `types` (the last is the default), from a source that never ends. */
  message(...types: string[]): Message {
    return { type: this.kind(...types) };
  }

  /** The next message of queue `source`: one of `types`, or it hangs (nothing more, or the queue finished). */
  receive(source: string, ...types: string[]): Message {
    if (this.finishedQueues.has(source)) this.hang();
    const item = this.nextItem(source, types, true);
    if (COMPLETION_TYPES.includes(item!.type)) this.finishedQueues.add(source);
    return item!;
  }

  /** A subscription for `for await`: never ends by itself (its loop hangs when nothing more comes). */
  subscribe(source: string, ...types: string[]): AsyncIterable<Message> {
    const next = this.iterator(source, types, true);
    return { [Symbol.asyncIterator]: () => ({ next: async () => next(), return: async () => this.close(source) }) };
  }

  /** An ordinary stream for `for await`: ends when the branch answers say nothing more comes. */
  stream(source: string, ...types: string[]): AsyncIterable<Message> {
    const next = this.iterator(source, types, false);
    return { [Symbol.asyncIterator]: () => ({ next: async () => next(), return: async () => this.close(source) }) };
  }

  /** A synchronous iterable for `for...of`, ending like a stream. */
  items(source: string, ...types: string[]): Iterable<Message> {
    const next = this.iterator(source, types, false);
    return { [Symbol.iterator]: () => ({ next, return: () => this.close(source) }) };
  }

  /** Calls a callback now (a callback inside a loop, as `forEach` or an event handler would). */
  call(callback: () => unknown): unknown {
    this.alive();
    this.events.push('call');
    return callback();
  }

  private iterator(source: string, types: readonly string[], endless: boolean): () => Item {
    let finished = false;
    return () => {
      if (finished) return endless ? this.hang() : { done: true, value: undefined };
      const item = this.nextItem(source, types, endless);
      if (!item) return { done: true, value: undefined };
      if (COMPLETION_TYPES.includes(item.type) && endless) finished = true;
      return { done: false, value: item };
    };
  }

  /** One answer per type; all `false` means nothing more: a hang for endless sources. */
  private nextItem(source: string, types: readonly string[], endless: boolean): Message | undefined {
    this.alive();
    const type = types.find(() => this.decide());
    if (type === undefined) {
      if (endless) this.hang();
      this.events.push(`next ${source} -> end of stream`);
      return undefined;
    }
    this.events.push(`next ${source} -> ${type}`);
    return { type };
  }

  private close(source: string): Item {
    this.events.push(`close ${source}`);
    return { done: true, value: undefined };
  }
}
