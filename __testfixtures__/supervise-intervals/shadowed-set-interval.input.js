import { createScheduler } from './scheduler';

const { setInterval } = createScheduler({ fake: true });

export function tickTwice(fn) {
  setInterval(fn, 10);
}

export function withLocalTimer(setInterval) {
  setInterval(() => {}, 10);
}
