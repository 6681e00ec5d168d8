import { collect, push } from './metrics-client';

export function startMetrics(): void {
  setInterval(async () => {
    const sample = await collect();
    await push(sample);
  }, 10_000);
}
