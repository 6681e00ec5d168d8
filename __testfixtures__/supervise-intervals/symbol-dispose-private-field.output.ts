export class Heartbeat {
  #beat: ReturnType<typeof setInterval> | undefined;

  constructor(private send: () => void) {
    this.#beat = setInterval(() => this.send(), 5_000);
  }

  [Symbol.dispose](): void {
    clearInterval(this.#beat);
    this.send = () => {};
  }
}
