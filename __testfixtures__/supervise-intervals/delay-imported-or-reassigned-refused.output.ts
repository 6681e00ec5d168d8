import { POLL_MS } from './config';
import { poll } from './poll';

let backoffMs = 1000;
export function slowDown(): void {
  backoffMs *= 2;
}

setInterval(() => poll(), POLL_MS);
setInterval(() => poll(), backoffMs);
