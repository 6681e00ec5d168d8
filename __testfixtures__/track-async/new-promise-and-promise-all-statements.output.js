import { track } from '@leakfix/runtime';

async function a() {}
async function b() {}

export function start(emitter) {
  track(new Promise((resolve) => emitter.once('ready', resolve)), 'start:emitter.once');
  track(Promise.all([a(), b()]), 'start:a');
  track(Promise.allSettled([a()]), 'start:a#2');
}
