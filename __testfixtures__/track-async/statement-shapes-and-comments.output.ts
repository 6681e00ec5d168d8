import { track } from '@leakfix/runtime';

async function load(): Promise<void> {}

export function shapes(ready: boolean): void {
  track(load(), 'load'); // fire and forget
  (track(load(), 'load'));
  if (ready) track(load(), 'load');
  else track(load(), 'load')
  retry: track(load(), 'load');
  track(load() as Promise<void>, 'load');
  track(load()!, 'load');
  load?.();
  track(load()
    .then(() => console.log('loaded')), 'load');
}
