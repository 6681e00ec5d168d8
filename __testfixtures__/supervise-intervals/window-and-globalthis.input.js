import { syncDraft, flushAnalytics } from './app';

window.setInterval(() => syncDraft(), 30000);
globalThis.setInterval(flushAnalytics, 5000);
