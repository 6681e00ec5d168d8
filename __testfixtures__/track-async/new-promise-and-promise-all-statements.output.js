import { track } from '@leakfix/runtime';

async function a() {}
async function b() {}

export function start(emitter) {
  track(new Promise((resolve) => emitter.once('ready', resolve)), 'new Promise');
  track(Promise.all([a(), b()]), 'Promise.all');
  track(Promise.allSettled([a()]), 'Promise.allSettled');
}
