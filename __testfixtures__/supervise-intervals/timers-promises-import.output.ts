import { setInterval } from 'node:timers/promises';

export async function pollUntil(done: () => boolean, signal: AbortSignal): Promise<void> {
  for await (const _ of setInterval(250, undefined, { signal })) {
    if (done()) return;
  }
}
