import type { Store, Thenable } from './api';

export class Cart {
  constructor(
    private readonly store: Store,
    private readonly legacy: Thenable,
  ) {}

  checkout(): void {
    this.store.flush();
    this.store.size();
    this.legacy;
  }
}
