'use strict';
const os = require('os');
const { send } = require('./statsd');
const { supervise } = require('@leakfix/runtime');

function startHostMetrics() {
  supervise('reportLoad', function reportLoad() {
    send('load', os.loadavg()[0]);
  }, { everyMs: 10000 });
}

module.exports = { startHostMetrics };
