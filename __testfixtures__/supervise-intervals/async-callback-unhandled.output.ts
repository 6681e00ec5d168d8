import { fetchRates, log } from './rates';

export class RateCache {
  private timer: NodeJS.Timeout;
  private guarded: NodeJS.Timeout;
  rates = new Map<string, number>();

  constructor() {
    this.timer = setInterval(async () => {
      this.rates = await fetchRates();
    }, 60_000);
    this.guarded = setInterval(async () => {
      try {
        this.rates = await fetchRates();
      } catch (error) {
        log(error);
      }
    }, 60_000);
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.guarded);
  }
}
