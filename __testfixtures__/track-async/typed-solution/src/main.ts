import { reindex } from '@app/jobs';

export function onBoot(): void {
  reindex();
}
