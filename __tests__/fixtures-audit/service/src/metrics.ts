import { report } from './report';

export function startMetrics(): void {
  setInterval(() => {
    report('heartbeat');
  }, 10_000);
}

export function startSampler(): () => void {
  const sampler = setInterval(() => report('sample'), 1000);
  return () => clearInterval(sampler);
}

export function keepAlive(): void {
  setInterval(() => report('alive'), 30_000).unref();
}
