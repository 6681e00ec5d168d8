/**
 * break-to-return at run time: consumers whose sentinel `break` leaves only the switch hang
 * forever before the rewrite (their timer or listener keeps the process alive); after it they
 * resolve, run their `finally` or after-loop code, and leave no active handles.
 *
 * Each consumer is a fixture input, transformed here by the engine, and driven by a small script
 * that feeds it messages and then prints what is still alive.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processSource } from '../lib/engine';
import { rule } from '../transforms/break-to-return';
import { FIXTURES } from './helpers/paths';
import { ACTIVE_RESOURCES_SNIPPET, activeResources, runNode, writeModules } from './helpers/run-code';
import { ruleSettings } from './helpers/rule-settings';

const HANG_TIMEOUT_MS = 2_000;
const RUN_TIMEOUT_MS = 15_000;

function fixtureInput(name: string): { source: string; ext: string } {
  const dir = path.join(FIXTURES, 'break-to-return');
  const file = fs.readdirSync(dir).find((f) => f.startsWith(`${name}.input.`));
  if (!file) throw new Error(`no fixture ${name}`);
  return { source: fs.readFileSync(path.join(dir, file), 'utf8'), ext: path.extname(file) };
}

function transformed(source: string, fileName: string): string {
  const outcome = processSource(`src/${fileName}`, source, ruleSettings(rule, 'transform'));
  assert.equal(outcome.status, 'changed', `${fileName}: expected a rewrite, got ${outcome.status} ${outcome.message ?? ''}`);
  return outcome.output!;
}

/** Runs the consumer before and after the rewrite with the same driver script. */
async function beforeAndAfter(
  fixture: string,
  driver: string,
  driverName = 'main.js',
): Promise<{ before: Awaited<ReturnType<typeof runNode>>; after: Awaited<ReturnType<typeof runNode>> }> {
  const { source, ext } = fixtureInput(fixture);
  const consumer = `consumer${ext}`;
  const original = writeModules({ [consumer]: source, [driverName]: driver });
  const rewritten = writeModules({ [consumer]: transformed(source, consumer), [driverName]: driver });
  const [before, after] = await Promise.all([
    runNode(original, driverName, { timeoutMs: HANG_TIMEOUT_MS }),
    runNode(rewritten, driverName, { timeoutMs: RUN_TIMEOUT_MS }),
  ]);
  return { before, after };
}

/** Prints the still-active resources once the consumer's promise settled and pending callbacks ran. */
const REPORT_ACTIVE = `setImmediate(() => { ${ACTIVE_RESOURCES_SNIPPET} });`;

/** What the consumer left alive: the child's own stdout/stderr pipes are not the consumer's. */
function leftOpen(stdout: string): string[] {
  return activeResources(stdout).filter((r) => r !== 'PipeWrap');
}

/** A message queue whose `next()` waits for the next message, forever once the producer has stopped. */
const QUEUE = `
function queueOf(messages) {
  let i = 0;
  return {
    next() {
      if (i < messages.length) return new Promise((resolve) => setTimeout(() => resolve(messages[i++]), 5));
      return new Promise(() => {});
    },
  };
}
`;

function assertHungThenFinished(
  result: { before: Awaited<ReturnType<typeof runNode>>; after: Awaited<ReturnType<typeof runNode>> },
  marker: string,
): void {
  const { before, after } = result;
  assert.equal(before.timedOut, true, `the original should hang; it exited with ${before.code}: ${before.stdout}${before.stderr}`);
  assert.doesNotMatch(before.stdout, new RegExp(marker), 'the original never reaches its cleanup');
  assert.equal(after.timedOut, false, `the rewrite should finish: ${after.stdout}${after.stderr}`);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stderr, '');
  assert.match(after.stdout, new RegExp(marker));
  assert.match(after.stdout, /RESOLVED/);
  assert.deepEqual(leftOpen(after.stdout), [], `handles left open: ${after.stdout}`);
}

describe('break-to-return behaviour', () => {
  it('while (true) consumer: return runs the finally that clears its heartbeat interval', async () => {
    const driver = `
const { consume } = require('./consumer.js');
${QUEUE}
const queue = queueOf([{ type: 'data', value: 1 }, { type: 'data', value: 2 }, { type: 'end' }]);
const realClear = clearInterval;
global.clearInterval = (h) => { console.log('FINALLY clearInterval'); realClear(h); };
consume(queue, (v) => { if (v !== 'alive') console.log('got', v); }).then(() => {
  console.log('RESOLVED');
  ${REPORT_ACTIVE}
});
`;
    const result = await beforeAndAfter('while-true-with-finally-returns', driver);
    assertHungThenFinished(result, 'FINALLY clearInterval');
    assert.match(result.after.stdout, /got 1\ngot 2\n/);
    assert.equal(result.after.stdout.match(/FINALLY/g)?.length, 1, 'cleanup runs once');
  });

  it('for (;;) reader: the labelled break runs the code after the loop and returns its value', async () => {
    const driver = `
const { drain } = require('./consumer.js');
${QUEUE}
const source = queueOf([{ kind: 'chunk', chunk: 'ab' }, { kind: 'chunk', chunk: 'cd' }, { kind: 'eof' }]);
// The reader holds the stream open (a keep-alive timer) until its lock is released.
const keepAlive = setInterval(() => {}, 1000);
const reader = {
  read: () => source.next(),
  releaseLock() { console.log('AFTER releaseLock'); clearInterval(keepAlive); },
};
drain(reader).then((text) => {
  console.log('RESOLVED', text);
  ${REPORT_ACTIVE}
});
`;
    const result = await beforeAndAfter('for-ever-with-code-after-uses-labelled-break', driver);
    assertHungThenFinished(result, 'AFTER releaseLock');
    assert.match(result.after.stdout, /RESOLVED abcd/);
  });

  it('for await over events.on: return ends the iteration, removes the listener and runs the finally', async () => {
    const driver = `
import { EventEmitter } from 'node:events';
import { listen } from './consumer.mjs';

const realAbort = AbortController.prototype.abort;
AbortController.prototype.abort = function (...args) {
  console.log('FINALLY abort');
  return realAbort.apply(this, args);
};
const bus = new EventEmitter();
const script = [{ type: 'payload', body: 'a' }, { type: 'payload', body: 'b' }, { type: 'close' }];
let sent = 0;
// The producer keeps ticking while anyone listens; it stops once the consumer has unsubscribed.
const producer = setInterval(() => {
  if (sent >= script.length && bus.listenerCount('message') === 0) {
    clearInterval(producer);
    console.log('PRODUCER stopped');
    ${REPORT_ACTIVE}
    return;
  }
  bus.emit('message', script[sent++] ?? { type: 'payload', body: 'late' });
}, 5);
const seen = [];
listen(bus, async (body) => { seen.push(body); }).then(() => {
  console.log('RESOLVED', seen.slice(0, 2).join(''), 'listeners', bus.listenerCount('message'));
});
`;
    const result = await beforeAndAfter('for-await-events-on-returns', driver, 'main.mjs');
    assertHungThenFinished(result, 'FINALLY abort');
    assert.match(result.after.stdout, /FINALLY abort\nRESOLVED ab listeners 0\nPRODUCER stopped/);
  });

  it('TS enum sentinel in do ... while (true): return clears the keep-alive interval in finally', async () => {
    const driver = `
const { read } = require('./consumer.js');
${QUEUE}
const packets = queueOf([{ kind: 0, body: 'x' }, { kind: 1 }, { kind: 0, body: 'y' }, { kind: 2 }]);
const realClear = clearInterval;
global.clearInterval = (h) => { console.log('FINALLY clearInterval'); realClear(h); };
const bodies = [];
read(() => packets.next(), (b) => bodies.push(b)).then(() => {
  console.log('RESOLVED', bodies.join(''));
  ${REPORT_ACTIVE}
});
`;
    const result = await beforeAndAfter('ts-enum-sentinels-in-do-while', driver);
    assertHungThenFinished(result, 'FINALLY clearInterval');
    assert.match(result.after.stdout, /RESOLVED xy/);
  });

  it('a case that calls a disposal ends the loop once the socket is destroyed', async () => {
    const driver = `
const { pump } = require('./consumer.js');
${QUEUE}
const keepAlive = setInterval(() => {}, 1000);
const socket = { destroy() { console.log('DISPOSED'); clearInterval(keepAlive); } };
const frames = queueOf([{ op: 'text', payload: 'hi' }, { op: 'hangup' }]);
pump(socket, frames, (p) => console.log('frame', p)).then(() => {
  console.log('RESOLVED');
  ${REPORT_ACTIVE}
});
`;
    const { before, after } = await beforeAndAfter('disposal-call-in-case-ends-loop', driver);
    // Before the rewrite the socket is destroyed, but the loop keeps waiting for frames: the
    // promise never settles (nothing else keeps the process alive, so it exits unresolved).
    assert.doesNotMatch(before.stdout, /RESOLVED/);
    assert.match(before.stdout, /DISPOSED/);
    assert.equal(after.timedOut, false);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /frame hi\nDISPOSED\nRESOLVED/);
    assert.deepEqual(leftOpen(after.stdout), []);
  });
});
