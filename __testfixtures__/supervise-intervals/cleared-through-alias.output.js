const { pingUpstream } = require('./upstream');

const handle = setInterval(pingUpstream, 5000);
const current = handle;

process.on('SIGTERM', () => clearInterval(current));
