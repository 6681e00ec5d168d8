import { flush, poll, sweep } from './work';
import { supervise } from '@leakfix/runtime';

supervise('flush', () => flush(), { everyMs: 60 * 60 * 1000 });
supervise('sweep', () => sweep(), { everyMs: (2 ** 10 + 24) as number });
supervise('poll', () => poll(), { everyMs: -(-250) });
supervise('poll#2', () => poll(), { everyMs: 0 });
