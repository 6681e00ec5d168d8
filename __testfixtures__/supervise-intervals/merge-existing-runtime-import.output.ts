import { track, supervise } from '@leakfix/runtime';
import { reindex, warmUp } from './search';

track(warmUp(), 'warm-up');

supervise('reindex', () => reindex(), { everyMs: 300_000 });
