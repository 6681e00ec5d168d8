import { syncDraft, flushAnalytics } from './app';
import { supervise } from '@leakfix/runtime';

supervise('syncDraft', () => syncDraft(), { everyMs: 30000 });
supervise('flushAnalytics', () => flushAnalytics(), { everyMs: 5000 });
