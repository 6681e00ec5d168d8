/*!
 * metrics-agent
 * Copyright (c) Example Ltd.
 * MIT Licensed
 */
'use strict';

const { supervise } = require('@leakfix/runtime');

// Reports the load average every ten seconds.
supervise('reportLoad', function reportLoad() {
  process.stdout.write(`${require('os').loadavg()[0]}\n`);
}, { everyMs: 10000 });
