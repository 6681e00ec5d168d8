import { collect, push } from './metrics-client';
import { supervise } from '@leakfix/runtime';

export function startMetrics(): void {
  supervise('startMetrics', async () => {
    const sample = await collect();
    await push(sample);
  }, { everyMs: 10_000 });
}
