/*!
 * metrics-agent
 * Copyright (c) Example Ltd.
 * MIT Licensed
 */
'use strict';

// Reports the load average every ten seconds.
setInterval(function reportLoad() {
  process.stdout.write(`${require('os').loadavg()[0]}\n`);
}, 10000);
