import { track } from '@leakfix/runtime';

async function load(): Promise<void> {}

export function shapes(ready: boolean): void {
  track(load(), 'shapes:load'); // fire and forget
  (track(load(), 'shapes:load#2'));
  if (ready) track(load(), 'shapes:load#3');
  else track(load(), 'shapes:load#4')
  retry: track(load(), 'shapes:load#5');
  track(load() as Promise<void>, 'shapes:load#6');
  track(load()!, 'shapes:load#7');
  load?.();
  track(load()
    .then(() => console.log('loaded')), 'shapes:load#8');
}
