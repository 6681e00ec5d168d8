export class QueueConsumer {
  constructor(queue) {
    this.queue = queue;
  }

  start() {
    setInterval(() => this.drain(), 1000);
  }

  drain() {
    return this.queue.pull();
  }

  close() {
    this.queue.disconnect();
  }
}
