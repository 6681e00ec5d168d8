export class Ticker {
  private timer?: NodeJS.Timeout;
  private ticks = 0;

  begin(): void {
    this.timer = setInterval(() => this.ticks++, 100);
  }
}
