import { poll } from '../src/poller';
import { supervise } from '@leakfix/runtime';

supervise('poll', () => poll(), { everyMs: 10 });
