/**
 * track-async, run for real: the original module and its rewrite are executed in child processes
 * with Node's default flags, so what is compared is what users see (exit code, logs, order).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { processSource } from '../lib/engine';
import { rule } from '../transforms/track-async';
import { runNode, writeModules, type RunResult } from './helpers/run-code';
import { ruleSettings } from './helpers/rule-settings';

function rewrite(source: string, filePath = 'main.js', options: Record<string, unknown> = {}): string {
  const outcome = processSource(filePath, source, ruleSettings(rule, 'transform', options));
  assert.equal(outcome.status, 'changed', `expected a rewrite, got ${outcome.status}: ${outcome.message ?? ''}`);
  return outcome.output!;
}

async function run(source: string, entry = 'main.js'): Promise<RunResult> {
  const dir = writeModules({ [entry]: source });
  const result = await runNode(dir, entry, { timeoutMs: 10_000 });
  assert.equal(result.timedOut, false, `child timed out; stderr: ${result.stderr}`);
  return result;
}

const REJECTING_BACKGROUND_CALL = `
async function sendAnalytics(event) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  throw new Error('analytics endpoint down for ' + event);
}

function handle(event) {
  sendAnalytics(event);
  console.log('handled ' + event);
}

handle('signup');
setTimeout(() => console.log('still alive'), 100);
`;

const SLOW_BACKGROUND_WRITE = `
let written = false;
async function writeAudit() {
  await new Promise((resolve) => setTimeout(resolve, 150));
  written = true;
  console.log('audit written');
}

function onLogin() {
  writeAudit();
}

async function main() {
  onLogin();
  const { defaultGroup } = require('@leakfix/runtime');
  console.log('pending ' + defaultGroup().size);
  const result = await defaultGroup().drain({ timeoutMs: 2000 });
  console.log('drained written=' + written + ' timedOut=' + result.timedOut);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

const ORDERED_STEPS = `
const order = [];
async function step(name, ms) {
  order.push(name + ':start');
  await new Promise((resolve) => setTimeout(resolve, ms));
  order.push(name + ':end');
}

class Job {
  async run() {
    order.push('job:start');
    await null;
    order.push('job:end');
  }
  kick() {
    this.run();
    order.push('kicked');
  }
}

order.push('begin');
step('slow', 30);
step('fast', 5);
(async () => {
  order.push('iife:start');
  await null;
  order.push('iife:end');
})();
new Job().kick();
Promise.resolve().then(() => order.push('microtask'));
order.push('sync:end');
setTimeout(() => console.log('ORDER:' + JSON.stringify(order)), 80);
`;

const ESM_BACKGROUND_CALL = `
import { setTimeout as sleep } from 'node:timers/promises';

async function refreshCache() {
  await sleep(10);
  throw new Error('cache backend unreachable');
}

refreshCache();
await sleep(50);
console.log('still serving');
`;

const CLASS_OWNED_GROUP = `
const { TaskGroup } = require('@leakfix/runtime');

class Session {
  constructor() {
    this.tasks = new TaskGroup({ name: 'session' });
    this.saved = 0;
  }
  async persist() {
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.saved++;
  }
  touch() {
    this.persist();
  }
  async close() {
    const result = await this.tasks.drain({ timeoutMs: 1000 });
    console.log('closed saved=' + this.saved + ' settled=' + result.settled);
  }
}

const session = new Session();
session.touch();
session.touch();
session.close().catch((error) => console.error(error));
`;

const EXIT_CHAIN = `
async function migrate() {
  await new Promise((resolve) => setTimeout(resolve, 10));
  throw new Error('migration failed');
}

migrate().then(() => process.exit(0));
`;

const USELESS_HANDLERS = `
async function load(n) {
  await new Promise((resolve) => setTimeout(resolve, 10));
  throw new Error('load failed ' + n);
}

function refresh() {
  load(1).catch(null);
  load(2).then(() => {}, 'not a function');
}

refresh();
setTimeout(() => console.log('still alive'), 80);
`;

const PROMISE_ARRAY = `
const order = [];
async function a() {
  order.push('a:start');
  await null;
  order.push('a:end');
}
async function b() {
  order.push('b:start');
  await new Promise((resolve) => setTimeout(resolve, 10));
  throw new Error('b failed');
}

function start() {
  [a(), b()];
  order.push('after');
}

start();
setTimeout(() => console.log('ORDER:' + JSON.stringify(order)), 80);
`;

const CANNOT_REJECT = `
async function safeSave(record) {
  try {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new Error('disk full for ' + record);
  } catch (error) {
    console.log('handled: ' + error.message);
  }
}

function onSave(record) {
  safeSave(record);
}

onSave('r1');
setTimeout(() => console.log('done'), 50);
`;

function orderOf(result: RunResult): string[] {
  const line = result.stdout.split('\n').find((l) => l.startsWith('ORDER:'));
  assert.ok(line, `no order log in: ${result.stdout}`);
  return JSON.parse(line.slice('ORDER:'.length)) as string[];
}

describe('track-async behaviour', () => {
  it('a background call that rejects crashes the original but not the rewrite, which logs it by name', async () => {
    const original = await run(REJECTING_BACKGROUND_CALL);
    assert.notEqual(original.code, 0, 'the original should die of an unhandled rejection');
    assert.match(original.stderr, /analytics endpoint down/);
    assert.doesNotMatch(original.stdout, /still alive/);

    const rewritten = rewrite(REJECTING_BACKGROUND_CALL);
    assert.match(rewritten, /track\(sendAnalytics\(event\), 'handle:sendAnalytics'\)/);
    const result = await run(rewritten);
    assert.equal(result.code, 0, `the rewrite should survive; stderr: ${result.stderr}`);
    assert.match(result.stdout, /still alive/);
    const logged = result.stdout + result.stderr;
    assert.match(logged, /\[leakfix\][^\n]*sendAnalytics/, 'the rejection is logged on the runtime\'s line with the tracked name');
    assert.match(logged, /analytics endpoint down for signup/, 'the rejection is logged with its error');
  });

  it('an ES module gets an import that works, and survives the same way', async () => {
    const original = await run(ESM_BACKGROUND_CALL, 'main.mjs');
    assert.notEqual(original.code, 0);
    const rewritten = rewrite(ESM_BACKGROUND_CALL, 'main.mjs');
    assert.match(rewritten, /^import \{ track \} from '@leakfix\/runtime';$/m);
    const result = await run(rewritten, 'main.mjs');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /still serving/);
    assert.match(result.stdout + result.stderr, /\[leakfix\][^\n]*refreshCache/);
  });

  it('a configured tracker (this.tasks.track) puts the work in the class\'s own group, which close() drains', async () => {
    const rewritten = rewrite(CLASS_OWNED_GROUP, 'main.js', { tracker: 'this.tasks.track' });
    assert.match(rewritten, /this\.tasks\.track\(this\.persist\(\), 'Session\.persist'\)/);
    const before = await run(CLASS_OWNED_GROUP);
    assert.match(before.stdout, /closed saved=0 settled=0/, 'without tracking, close() does not wait');
    const after = await run(rewritten);
    assert.match(after.stdout, /closed saved=2 settled=2/);
  });

  it('drain() waits for the tracked work', async () => {
    const result = await run(rewrite(SLOW_BACKGROUND_WRITE));
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.deepEqual(lines, ['pending 1', 'audit written', 'drained written=true timedOut=false']);
  });

  it('execution order is the same before and after the rewrite', async () => {
    const rewritten = rewrite(ORDERED_STEPS);
    assert.equal((rewritten.match(/track\(/g) ?? []).length, 5, rewritten);
    const before = orderOf(await run(ORDERED_STEPS));
    const after = orderOf(await run(rewritten));
    assert.deepEqual(after, before);
    assert.ok(before.indexOf('iife:start') < before.indexOf('sync:end'), 'the order log records synchronous starts');
  });

  it('a .then(() => process.exit(0)) chain is left alone, so a failure still exits non-zero (tracked, it would exit 0)', async () => {
    const outcome = processSource('src/migrate.js', EXIT_CHAIN, ruleSettings(rule, 'transform'));
    assert.equal(outcome.status, 'unchanged');
    assert.equal(outcome.findings[0]?.reason, 'decides-exit');
    const original = await run(EXIT_CHAIN);
    assert.notEqual(original.code, 0, 'a failed migration exits non-zero');
    // What tracking would have done: the failure becomes a log line and the script exits 0.
    const tracked = "const { track } = require('@leakfix/runtime');\n" + EXIT_CHAIN.replace('migrate().then(() => process.exit(0));', "track(migrate().then(() => process.exit(0)), 'migrate');");
    const result = await run(tracked);
    assert.equal(result.code, 0, 'tracking would have turned the failure into exit 0');
  });

  it('.catch(null) and .then(f, non-function) handle nothing: the original crashes, the rewrite logs both', async () => {
    const original = await run(USELESS_HANDLERS);
    assert.notEqual(original.code, 0);
    assert.match(original.stderr, /load failed 1/);
    const rewritten = rewrite(USELESS_HANDLERS);
    assert.match(rewritten, /track\(load\(1\)\.catch\(null\), 'refresh:load'\)/);
    assert.match(rewritten, /track\(load\(2\)\.then\(\(\) => \{\}, 'not a function'\), 'refresh:load#2'\)/);
    const result = await run(rewritten);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /still alive/);
    const logged = result.stdout + result.stderr;
    assert.match(logged, /refresh:load\b[^#][\s\S]*load failed 1|load failed 1[\s\S]*refresh:load/);
    assert.match(logged, /load failed 2/);
  });

  it('an array of promises: the original crashes, the rewrite (track(Promise.all([...]))) logs and keeps the order of side effects', async () => {
    const original = await run(PROMISE_ARRAY);
    assert.notEqual(original.code, 0);
    const rewritten = rewrite(PROMISE_ARRAY);
    assert.match(rewritten, /track\(Promise\.all\(\[a\(\), b\(\)\]\), 'start:a'\)/);
    const result = await run(rewritten);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /b failed/);
    assert.deepEqual(orderOf(result), ['a:start', 'b:start', 'after', 'a:end']);
  });

  it('a call to an async function that catches everything is not wrapped, and it runs without an unhandled rejection', async () => {
    const outcome = processSource('main.js', CANNOT_REJECT, ruleSettings(rule, 'transform'));
    assert.equal(outcome.status, 'unchanged');
    assert.deepEqual(outcome.findings.map((f) => `${f.rule} ${f.status}`), ['promise-cannot-reject ok']);
    const result = await run(CANNOT_REJECT);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['handled: disk full for r1', 'done']);
  });
});
