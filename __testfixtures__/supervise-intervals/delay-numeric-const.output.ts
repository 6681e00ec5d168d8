import { flush, poll, sweep } from './work';
import { supervise } from '@leakfix/runtime';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
let HALF_MINUTE = MINUTE / 2;
const POLL_MS = process.env.NODE_ENV === 'production' ? MINUTE : 5 * SECOND;

supervise('flush', () => flush(), { everyMs: 5 * MINUTE });
supervise('sweep', () => sweep(), { everyMs: HALF_MINUTE });
supervise('poll', () => poll(), { everyMs: POLL_MS });
