import { refreshCache } from './cache'; // TODO: move to the worker
import { log } from './log'; /* debug() */
import { supervise } from '@leakfix/runtime';

log('cache refresh every minute');
supervise('refreshCache', () => refreshCache(), { everyMs: 60_000 });
