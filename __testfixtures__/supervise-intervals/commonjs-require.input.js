'use strict';
const os = require('os');
const { send } = require('./statsd');

function startHostMetrics() {
  setInterval(function reportLoad() {
    send('load', os.loadavg()[0]);
  }, 10000);
}

module.exports = { startHostMetrics };
