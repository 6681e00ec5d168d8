import { sweep, compact, vacuum } from './store';
import { supervise } from '@leakfix/runtime';

const sweeper = supervise('sweep', () => sweep(), { everyMs: 5_000 });
const compactor = supervise('compact', () => compact(), { everyMs: 60_000 });
let vacuumer = supervise('vacuum', () => vacuum(), { everyMs: 3_600_000 });
const poller = supervise('compact#2', () => compact(), { everyMs: 1_000 });
