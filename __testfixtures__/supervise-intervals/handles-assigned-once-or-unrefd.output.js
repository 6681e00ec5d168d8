// Process-lifetime: the property handle is unref()ed right after it is stored.
class Sampler {
  start() {
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }
  sample() {}
}

// Declared first, assigned once (inside an if), unref()ed, tested and cleared on shutdown.
function startMetrics(queue, onShutdown) {
  let metricsTimer;
  if (queue) {
    metricsTimer = setInterval(() => queue.count(), 5000);
    metricsTimer.unref();
  }
  onShutdown(() => {
    if (metricsTimer) {
      clearInterval(metricsTimer);
    }
  });
}

// unref()ed and cleared when the client ends.
function healthcheck(client) {
  const timer = setInterval(() => client.ping(), 1000);
  timer.unref();
  client.on('end', () => clearInterval(timer));
}

// Tested and cleared from a handler.
function typing(target) {
  const intervalId = setInterval(() => target.type(), 250);
  target.on('keydown', (event) => {
    if (event.key === 'Escape' && intervalId) clearInterval(intervalId);
  });
}

// Declared first, assigned once, never read: reported, not rewritten.
function forgotten(poll) {
  let t;
  t = setInterval(poll, 1000);
}

module.exports = { Sampler, startMetrics, healthcheck, typing, forgotten };
