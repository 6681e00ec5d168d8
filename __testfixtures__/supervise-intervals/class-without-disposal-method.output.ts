import { Registry } from './registry';
import { supervise } from '@leakfix/runtime';

export class HealthReporter {
  constructor(private readonly registry: Registry) {}

  start(): void {
    supervise('report', () => this.report(), { everyMs: 15_000 });
  }

  private report(): void {
    this.registry.heartbeat();
  }
}
