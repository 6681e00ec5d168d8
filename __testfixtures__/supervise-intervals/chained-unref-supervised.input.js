const { sampleEventLoop } = require('./probe');

setInterval(() => sampleEventLoop(), 1000).unref();

const gc = setInterval(() => global.gc && global.gc(), 60000);
gc.unref();
