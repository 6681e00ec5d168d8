import { track } from '@leakfix/runtime';
import { reindex, warmUp } from './search';

track(warmUp(), 'warm-up');

setInterval(() => reindex(), 300_000);
