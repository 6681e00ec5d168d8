// Heartbeat for the demo server.
// Run with: node heartbeat.js

const { supervise } = require('@leakfix/runtime');

const pushURL = 'https://example.com/api/push/key?status=up';

supervise('interval', () => fetch(pushURL), { everyMs: 60 * 1000 });
