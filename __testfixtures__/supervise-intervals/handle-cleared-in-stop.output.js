const { rotateLogs } = require('./logs');

const rotation = setInterval(rotateLogs, 3_600_000);

function stop() {
  clearInterval(rotation);
}

class Monitor {
  start() {
    this.timer = setInterval(() => this.check(), 1000);
  }

  check() {}

  stop() {
    clearInterval(this.timer);
  }
}

module.exports = { stop, Monitor };
