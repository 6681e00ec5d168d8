import { supervise } from './org-chart';
import { refresh } from './directory';
import { supervise as leakfixSupervise } from '@leakfix/runtime';

export const manager = supervise('alice', ['bob']);

leakfixSupervise('refresh', () => refresh(), { everyMs: 60_000 });
