import { track } from '@leakfix/runtime';

async function load() {
  return 1;
}

export function warm(value) {
  Promise.resolve(value);
  Promise.resolve();
  track(Promise.resolve(load()), 'warm:load');
}
