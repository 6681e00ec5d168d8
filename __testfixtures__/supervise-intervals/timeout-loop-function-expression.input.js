import { pollInbox, flushQueue } from './mail';

// The named function expression reschedules itself by its own name.
setTimeout(function tick() {
  pollInbox();
  setTimeout(tick, 5000);
}, 5000);

const drain = async () => {
  await flushQueue();
  setTimeout(drain, 1000);
};
drain();

// A parameter is some caller's function: not a loop.
export function later(run, ms) {
  setTimeout(run, ms);
}
