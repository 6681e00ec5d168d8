import { pollInbox } from './mail';

function tick() {
  pollInbox();
  setTimeout(tick, 5000);
}
tick();

export class Retrier {
  attempt() {
    this.work();
    setTimeout(() => this.attempt(), 1000);
  }

  work() {}
}

setTimeout(() => pollInbox(), 100);
