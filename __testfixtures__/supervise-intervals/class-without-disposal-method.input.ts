import { Registry } from './registry';

export class HealthReporter {
  constructor(private readonly registry: Registry) {}

  start(): void {
    setInterval(() => this.report(), 15_000);
  }

  private report(): void {
    this.registry.heartbeat();
  }
}
