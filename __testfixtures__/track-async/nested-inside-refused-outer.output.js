import { track } from '@leakfix/runtime';

async function load() {
  return 1;
}

async function save() {
  return 2;
}

export function watch(emitter) {
  emitter.on('change', () => {
    load().then(() => {
      save();
    });
  });
}

export function kick() {
  track(load().then(() => {
    track(save(), 'kick:save');
  }), 'kick:load');
}
