export class QueueConsumer {
  constructor(queue) {
    this.queue = queue;
  }

  start() {
    this.drainTimer = setInterval(() => this.drain(), 1000);
  }

  drain() {
    return this.queue.pull();
  }

  close() {
    clearInterval(this.drainTimer);
    this.queue.disconnect();
  }
}
