import { reindex } from '@app/jobs';
import { track } from '@leakfix/runtime';

export function onBoot(): void {
  track(reindex(), 'onBoot:reindex');
}
