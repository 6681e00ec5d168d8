const { fetchVersion, flushLogs } = require('./api');

const callbacks = [];

// A shared timer: named after what it drives, not `callbacks.forEach`.
setInterval(() => {
  callbacks.forEach((cb) => cb());
}, 60000);

// Nothing to name it after but its handle.
const ticker = setInterval(() => {}, 1000);

class Worker {
  versionCheck() {
    setInterval(() => {
      console.log('checking');
      fetchVersion();
    }, 1000);
  }
}

function heartbeat() {
  setInterval(() => console.log('alive'), 10);
}

function checkIfReady() {
  setInterval(function () {
    flushLogs();
    fetchVersion();
  }, 1000);
  // The unused parameter goes: no `() => ((_) => {...})()` wrapper.
  setInterval((_) => {
    flushLogs();
    fetchVersion();
  }, 2500);
}

module.exports = { Worker, heartbeat, checkIfReady, callbacks };
