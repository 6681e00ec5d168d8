function poll() {}

function start() {
  setInterval(() => poll(), 1000);
}

module.exports = { start };
