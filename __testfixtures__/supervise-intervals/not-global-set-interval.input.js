import * as timers from 'node:timers/promises';

export class Clock {
  start(scheduler) {
    this.setInterval(() => this.tick(), 1000);
    scheduler.setInterval(() => this.tick(), 1000);
  }

  async run() {
    for await (const _ of timers.setInterval(1000)) this.tick();
  }

  setInterval(fn, ms) {
    return { fn, ms };
  }

  tick() {}
}
