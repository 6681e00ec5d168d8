function pollUntil(check, ms) {
  const poller = setInterval(check, ms);
  try {
    const result = runChecks(check);
    return result;
  } finally {
    clearInterval(poller);
  }
}

async function consume(queue) {
  const heartbeat = setInterval(ping, 5000);
  try {
    await queue.drain();
  } finally {
    clearInterval(heartbeat);
  }
}

function startSampler() {
  const sampler = setInterval(sample, 1000);
  return () => clearInterval(sampler);
}

function tickUntilDone(emitter) {
  const ticker = globalThis.setInterval(tick, 100);
  emitter.once('done', () => clearInterval(ticker));
}

function restartable(ms) {
  let timer = setInterval(tick, ms);
  if (ms > 1000) {
    clearInterval(timer);
    timer = setInterval(tick, 1000);
  }
  return timer;
}

class Poller {
  restart() {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.poll(), this.ms);
  }
}
