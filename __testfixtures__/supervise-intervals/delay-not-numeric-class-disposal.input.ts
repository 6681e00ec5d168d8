import { poll } from './poll';

export class Poller {
  constructor(private readonly options: { intervalMs: number }) {}

  start(): void {
    setInterval(() => poll(), this.options.intervalMs);
  }

  close(): void {}
}
