import { refreshCache } from './cache'; // TODO: move to the worker
import { log } from './log'; /* debug() */

log('cache refresh every minute');
setInterval(() => refreshCache(), 60_000);
