import { maybeRefresh, store } from './api';

export function tick(enabled: boolean): void {
  maybeRefresh(enabled);
  store.flush().catch(() => undefined);
}
