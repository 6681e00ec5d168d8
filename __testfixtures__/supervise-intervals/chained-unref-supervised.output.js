const { sampleEventLoop } = require('./probe');
const { supervise } = require('@leakfix/runtime');

supervise('sampleEventLoop', () => sampleEventLoop(), { everyMs: 1000, unref: true });

const gc = supervise('gc', () => global.gc && global.gc(), { everyMs: 60000, unref: true });
