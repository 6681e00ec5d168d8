import { poll } from './poll';

export class Poller {
  private pollTimer?: ReturnType<typeof setInterval>;
  constructor(private readonly options: { intervalMs: number }) {}

  start(): void {
    this.pollTimer = setInterval(() => poll(), this.options.intervalMs);
  }

  close(): void {
    clearInterval(this.pollTimer);
  }
}
