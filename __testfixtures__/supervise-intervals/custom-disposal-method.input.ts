export class Watcher {
  private count = 0;

  watch(): void {
    const timer = setInterval(() => this.count++, 250);
  }

  teardown(): void {
    this.count = 0;
  }
}
