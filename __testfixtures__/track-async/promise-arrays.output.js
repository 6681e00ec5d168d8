import { track } from '@leakfix/runtime';

async function a(n) {
  return n;
}

async function b() {
  return 2;
}

export function start(urls, items) {
  track(Promise.all([a(1), b()]), 'start:a');
  track(Promise.all(Object.keys(items).map((key) => a(key))), 'start:a#2');
  track(Promise.all([1, 2].map(async (n) => {
    await a(n);
  })), 'start:a#3');
  urls.map(async (url) => {
    await fetch(url);
  });
  items.forEach(async (item) => {
    await a(item);
  });
}
