const { poll } = require('./poll');

const POLL_MS = Number(process.env.POLL_MS);

setInterval(() => poll(), POLL_MS);
setInterval(() => poll(), parseInt(process.env.POLL_MS, 10));
setInterval(() => poll(), process.env.POLL_MS || 5000);
