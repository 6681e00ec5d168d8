import { refreshCache } from './cache';
import { supervise } from '@leakfix/runtime';

supervise('refreshCache', () => refreshCache(), { everyMs: 60_000 });
