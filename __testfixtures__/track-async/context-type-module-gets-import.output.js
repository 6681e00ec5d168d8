import { track } from '@leakfix/runtime';

async function refresh() {}

function start() {
  track(refresh(), 'start:refresh');
}

start();
