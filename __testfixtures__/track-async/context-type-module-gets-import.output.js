import { track } from '@leakfix/runtime';

async function refresh() {}

function start() {
  track(refresh(), 'refresh');
}

start();
