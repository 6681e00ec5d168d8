import { supervise } from '@leakfix/runtime';

async function poll(): Promise<void> {}

export const poller = supervise('poll', () => {
  poll();
}, { everyMs: 1000 });
