/**
 * The fake world a generated function runs in: every effect is an event in one trace.
 *
 * A run is fixed by two inputs: the branch answers (`choose()`, replayed by position, `false`
 * beyond them) and the step that fails (`failAt`, counted over every `step`, `use`, `open` and
 * `value`). Resources record acquisitions, uses (marked when they come after the release) and
 * releases; timers never fire, their handles are resources that `clearTimeout` releases.
 *
 * A run can also hang (`hang()`: a source that never yields again). Nothing after that happens:
 * the trace ends with `hangs`, and every later effect throws, so the code unwinds without
 * recording more.
 */

export class Fault extends Error {}

/** What the world throws once the run hangs: no code after a hang can observe anything. */
export class Hang extends Error {}

/** An error without a stack trace: runs throw hundreds of thousands, and capturing stacks dominated their cost. */
function withoutStack<T extends Error>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** One instance for every hang: nothing reads it, and hung code throws it again and again. */
const HANG = withoutStack(() => new Hang('hangs'));

/** A run with more events than this is stuck in a loop that consumes no branch answers: it hangs. */
export const MAX_EVENTS = 5000;

/** Branch answers beyond this many are `false` and not explored: loops on `choose()` terminate. */
export const MAX_CHOICES = 10;

interface Handle {
  name: string;
  released: number;
}

export class World {
  readonly events: string[] = [];
  readonly made: boolean[] = [];
  steps = 0;
  /** A fault fired or the code threw one of the world's errors on this path. */
  threw = false;
  /** The run hung: the trace ends at its `hangs` event. */
  hung = false;
  /** Branch answers beyond this many are `false` (a world whose loops need more may raise it). */
  protected readonly maxChoices: number = MAX_CHOICES;
  private readonly handles: Handle[] = [];
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly failAt: number | undefined,
    private readonly choices: readonly boolean[],
  ) {}

  /** One effect that may fail: the step chosen by `failAt` throws. */
  step(n: number | string): void {
    this.alive();
    this.steps++;
    this.events.push(`step ${n}`);
    if (this.steps === this.failAt) {
      this.threw = true;
      throw withoutStack(() => new Fault(`fault@${n}`));
    }
  }

  /** A step that awaits: the point where a cleared timer could have fired. */
  async tick(n: number | string): Promise<void> {
    this.events.push('await');
    this.step(n);
  }

  /** `n` after a step. */
  value(n: number): number {
    this.step(n);
    return n;
  }

  choose(): boolean {
    const answer = this.decide();
    this.events.push(`choose ${answer}`);
    return answer;
  }

  /** A branch answer the world uses itself (which item a source yields), recorded by the caller's own event. */
  protected decide(): boolean {
    this.alive();
    if (this.made.length >= this.maxChoices) return false;
    const answer = this.choices[this.made.length] ?? false;
    this.made.push(answer);
    return answer;
  }

  /** The run blocks for ever here: record it once; this and every later effect throws a Hang. */
  hang(): never {
    if (!this.hung) this.events.push('hangs');
    this.hung = true;
    throw HANG;
  }

  /** Throws when the run already hung (or ran away), so hung code records nothing more. */
  protected alive(): void {
    if (this.hung) this.hang();
    if (this.events.length > MAX_EVENTS) this.hang();
  }

  /** An error the code throws itself (`throw w.error(3)`). */
  error(n: number): Error {
    this.threw = true;
    this.events.push(`throw ${n}`);
    return withoutStack(() => new Error(`err ${n}`));
  }

  private acquire(site: string): Handle {
    const count = (this.counters.get(site) ?? 0) + 1;
    this.counters.set(site, count);
    const handle = { name: `${site}#${count}`, released: 0 };
    this.handles.push(handle);
    this.events.push(`acquire ${handle.name}`);
    return handle;
  }

  private release(handle: Handle, args: readonly unknown[]): void {
    handle.released++;
    this.events.push(`${handle.name.startsWith('timer#') ? 'clear' : 'release'} ${handle.name}(${args.map(describe).join(',')})`);
  }

  /** A resource acquired in one step: release/close/destroy release it, `use(n)` is a step on it. */
  open(site: string): Resource {
    this.step(`open ${site}`);
    const handle = this.acquire(site);
    const release = (...args: unknown[]): void => this.release(handle, args);
    return {
      release,
      close: release,
      destroy: release,
      use: (n: number): number => {
        this.events.push(`use ${handle.name}${handle.released > 0 ? ' after release' : ''}`);
        this.step(n);
        return n;
      },
    };
  }

  async openAsync(site: string): Promise<Resource> {
    this.events.push('await');
    return this.open(site);
  }

  /** `null` when the branch says so (the acquisition found nothing), else a resource. */
  maybeOpen(site: string): Resource | null {
    if (this.choose()) {
      this.events.push(`absent ${site}`);
      return null;
    }
    return this.open(site);
  }

  /** Timer globals: `setTimeout` acquires a handle that never fires, `clearTimeout` releases it. */
  timers(): Record<'setTimeout' | 'clearTimeout' | 'setInterval' | 'clearInterval', (...args: unknown[]) => unknown> {
    const set = (): TimerHandle => ({ [TIMER]: this.acquire('timer') });
    const clear = (handle: unknown): void => {
      const h = (handle as TimerHandle | null | undefined)?.[TIMER];
      // Clearing a cleared timer does nothing.
      if (h && h.released === 0) this.release(h, []);
    };
    return { setTimeout: set, setInterval: set, clearTimeout: clear, clearInterval: clear };
  }

  /** Acquired handles never released on this run. */
  leaked(): string[] {
    return this.handles.filter((h) => h.released === 0).map((h) => h.name);
  }
}

const TIMER = Symbol('timer');
type TimerHandle = { [TIMER]: Handle };

export interface Resource {
  release(...args: unknown[]): void;
  close(...args: unknown[]): void;
  destroy(...args: unknown[]): void;
  use(n: number): number;
}

function describe(value: unknown): string {
  if (value instanceof Error) return `Error(${value.message})`;
  if (typeof value === 'object' && value !== null) return 'object';
  return String(value);
}
