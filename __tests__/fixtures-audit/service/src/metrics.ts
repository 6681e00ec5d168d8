import { report } from './report';

export function startMetrics(intervalMs: number): void {
  setInterval(() => {
    report('heartbeat');
  }, intervalMs);
}

export function startSampler(): () => void {
  const sampler = setInterval(() => report('sample'), 1000);
  return () => clearInterval(sampler);
}

export function keepAlive(): void {
  setInterval(() => report('alive'), 30_000).unref();
}
