export class Watcher {
  private timer?: ReturnType<typeof setInterval>;
  private count = 0;

  watch(): void {
    this.timer = setInterval(() => this.count++, 250);
  }

  teardown(): void {
    clearInterval(this.timer);
    this.count = 0;
  }
}
