// Pushes process metrics to the collector every 10 s.
// Leak: the interval's handle is dropped, so nothing can ever stop it, and a throw in
// `collect()` crashes the process.
import { collect, push } from './metrics-client';

export function startMetrics(): void {
  setInterval(async () => {
    const sample = await collect();
    await push(sample);
  }, 10_000);
}
