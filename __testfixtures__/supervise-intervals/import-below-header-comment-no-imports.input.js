// Heartbeat for the demo server.
// Run with: node heartbeat.js
const pushURL = 'https://example.com/api/push/key?status=up';

setInterval(() => fetch(pushURL), 60 * 1000);
