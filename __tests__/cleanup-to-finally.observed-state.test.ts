/**
 * cleanup-to-finally must not run a cleanup later than code that can observe it. Each function of
 * the fixture `refused-code-after-sync-cleanup` releases something and then runs code that sees
 * the release: an assert on state a disconnect handler sets, a child process sharing the terminal
 * a readline interface holds, a log line after a progress bar stops, a cache write after a pool
 * release. The input goes through the engine here (not the stored output), and the original and
 * whatever the engine produced run against fakes that record one ordered trace, on every path
 * (each step made to fail in turn, every branch). The traces must agree wherever the original did
 * not throw; where it threw and leaked, they agree up to the added release. Moving the cleanup
 * into a finally (what the transform did before) puts the release after the observer: this fails.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { processSource } from '../lib/engine';
import { rule } from '../transforms/cleanup-to-finally';
import { FIXTURES } from './helpers/paths';
import { ruleSettings } from './helpers/rule-settings';

class Fault extends Error {}

class Trace {
  readonly events: string[] = [];
  steps = 0;
  made: boolean[] = [];
  threw = false;
  constructor(
    private readonly failAt: number | undefined,
    private readonly choices: readonly boolean[],
  ) {}
  step(label: string): void {
    this.events.push(label);
    if (++this.steps === this.failAt) {
      this.threw = true;
      throw new Fault(`fault at ${label}`);
    }
  }
  async later<T>(label: string, value: T): Promise<T> {
    this.step(label);
    return value;
  }
  choose(): boolean {
    const answer = this.choices[this.made.length] ?? false;
    this.made.push(answer);
    return answer;
  }
}

type Entry = (...args: unknown[]) => Promise<unknown>;

interface Case {
  entry: string;
  call: (f: Entry, t: Trace) => Promise<unknown>;
}

const CASES: Case[] = [
  {
    entry: 'lookup',
    call: (f, t) =>
      f(
        { acquire: () => t.later('acquire', { get: () => t.later('get', t.choose() ? 'hit' : undefined), fetch: () => t.later('fetch', 'fresh'), release: () => t.events.push('release conn') }) },
        'k',
        { set: () => t.step('cache.set') },
      ),
  },
  {
    entry: 'checkDisconnect',
    call: (f, t) =>
      f((onClose: () => void) =>
        t.later('connect', {
          ping: () => t.later('ping', 1),
          disconnect: () => {
            t.events.push('disconnect');
            onClose();
          },
        }),
      ),
  },
  {
    entry: 'pushRelease',
    call: (f, t) =>
      f({ createInterface: () => ({ close: () => t.events.push('rl.close (terminal restored)') }) }, () => t.later('question', 'y')),
  },
  {
    entry: 'download',
    call: (f, t) => f({ create: () => ({ stop: () => t.events.push('bar.stop') }) }, ['a', 'b'], (file: string) => t.later(`fetch ${file}`, 1)),
  },
];

function load(source: string, entry: string, t: Trace): Entry {
  const fakeRequire = (id: string): unknown => {
    if (id === 'node:assert') {
      return (value: unknown) => {
        t.events.push(`assert ${String(value)}`);
        if (!value) throw new Error('assertion failed');
      };
    }
    if (id === 'node:child_process') return { execSync: (command: string) => t.step(`execSync ${command} (shares the terminal)`) };
    throw new Error(`unexpected require ${id}`);
  };
  const context = vm.createContext({ require: fakeRequire, process: { stdin: {}, stdout: {} }, console: { log: (...args: unknown[]) => t.step(`console.log ${args.join(' ')}`) } });
  vm.runInContext(`${source}\n;globalThis.__entry = ${entry};`, context);
  return (context as { __entry: Entry }).__entry;
}

async function run(source: string, c: Case, failAt: number | undefined, choices: readonly boolean[]): Promise<Trace> {
  const t = new Trace(failAt, choices);
  try {
    const value = await c.call(load(source, c.entry, t), t);
    t.events.push(`result ${JSON.stringify(value)}`);
  } catch (error) {
    t.events.push(`error ${(error as Error).message}`);
  }
  return t;
}

const RELEASES = /^(release conn|disconnect|rl\.close|bar\.stop)/;

describe('cleanup-to-finally: no cleanup moves past code that observes it', () => {
  const input = fs.readFileSync(path.join(FIXTURES, 'cleanup-to-finally', 'refused-code-after-sync-cleanup.input.js'), 'utf8');
  const outcome = processSource('src/release.js', input, ruleSettings(rule, 'transform'));
  const output = outcome.output ?? input;

  for (const c of CASES) {
    it(`${c.entry}: same trace on every path`, async () => {
      let paths = 0;
      const queue: boolean[][] = [[]];
      while (queue.length > 0) {
        const choices = queue.shift()!;
        const dry = await run(input, c, undefined, choices);
        for (let i = choices.length; i < dry.made.length; i++) if (!dry.made[i]) queue.push([...dry.made.slice(0, i), true]);
        for (let failAt = 0; failAt <= dry.steps; failAt++) {
          const fault = failAt === 0 ? undefined : failAt;
          const before = await run(input, c, fault, choices);
          const after = await run(output, c, fault, choices);
          paths++;
          const released = before.events.some((e) => RELEASES.test(e));
          // Where the original threw before its cleanup, the rewrite may add exactly that cleanup.
          const expected = before.threw && !released ? after.events.filter((e) => !RELEASES.test(e)) : after.events;
          assert.deepEqual(expected, before.events, `${c.entry}, ${fault === undefined ? 'no fault' : `fault at step ${fault}`}, choices [${choices.join(',')}]`);
        }
      }
      assert.ok(paths > 1);
    });
  }

  it('the harness sees the move: a finally version of lookup fails it', async () => {
    const moved = input.replace(
      /async function lookup[\s\S]*?\n}\n/,
      `async function lookup(pool, key, cache) {
  const conn = await pool.acquire();
  try {
    const hit = await conn.get(key);
    if (hit !== undefined) {
      cache.set(key, hit);
      return hit;
    }
    return await conn.fetch(key);
  } finally {
    conn.release();
  }
}
`,
    );
    const c = CASES[0];
    const before = await run(input, c, undefined, [true]);
    const after = await run(moved, c, undefined, [true]);
    assert.notDeepEqual(after.events, before.events);
  });
});
