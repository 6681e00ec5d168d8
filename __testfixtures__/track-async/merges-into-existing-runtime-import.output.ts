import { supervise, track } from '@leakfix/runtime';

async function sync(): Promise<void> {}

export function start(): void {
  supervise('sync', () => sync(), { everyMs: 1000 });
  track(sync(), 'start:sync');
}
