import { poll } from './poll';

// A typed number may still be NaN, Infinity or negative, and JavaScript callers pass anything.
export function startPolling(everyMs: number): void {
  setInterval(() => poll(), everyMs);
}

export function startWithDefault(everyMs = 1000): void {
  setInterval(() => poll(), everyMs);
}
