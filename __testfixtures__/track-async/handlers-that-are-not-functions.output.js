import { track } from '@leakfix/runtime';

async function load() {
  return 1;
}

export function refresh(handlers, report) {
  track(load().catch(), 'refresh:load');
  track(load().catch(undefined), 'refresh:load#2');
  track(load().catch(null), 'refresh:load#3');
  track(load().catch(3), 'refresh:load#4');
  track(load().then(show, 'not a function'), 'refresh:load#5');
  load().then(...handlers);
  load().catch(report);
}

function show(value) {
  console.log(value);
}
