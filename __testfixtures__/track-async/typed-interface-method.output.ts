import type { Store, Thenable } from './api';
import { track } from '@leakfix/runtime';

export class Cart {
  constructor(
    private readonly store: Store,
    private readonly legacy: Thenable,
  ) {}

  checkout(): void {
    track(this.store.flush(), 'checkout:this.store.flush');
    this.store.size();
    this.legacy;
  }
}
