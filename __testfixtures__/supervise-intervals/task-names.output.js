const { fetchVersion, flushLogs } = require('./api');
const { supervise } = require('@leakfix/runtime');

const callbacks = [];

// A shared timer: named after what it drives, not `callbacks.forEach`.
supervise('callbacks', () => {
  callbacks.forEach((cb) => cb());
}, { everyMs: 60000 });

// Nothing to name it after but its handle.
const ticker = supervise('ticker', () => {}, { everyMs: 1000 });

class Worker {
  versionCheck() {
    supervise('Worker.versionCheck', () => {
      console.log('checking');
      fetchVersion();
    }, { everyMs: 1000 });
  }
}

function heartbeat() {
  supervise('heartbeat', () => console.log('alive'), { everyMs: 10 });
}

function checkIfReady() {
  supervise('checkIfReady', function () {
    flushLogs();
    fetchVersion();
  }, { everyMs: 1000 });
  // The unused parameter goes: no `() => ((_) => {...})()` wrapper.
  supervise('checkIfReady#2', () => {
    flushLogs();
    fetchVersion();
  }, { everyMs: 2500 });
}

module.exports = { Worker, heartbeat, checkIfReady, callbacks };
