// The `;` that guards the async IIFE is parsed as the end of the setInterval statement above it.
// That statement is replaced (the handle is kept on the instance); the guard stays on its own line.
export class Poller {
  constructor(feed) {
    this.feed = feed
    ;[1, 2].forEach((n) => this.feed.prime(n))
    this.intervalTimer = setInterval(() => {
      ;(function tick() {
        console.log('tick')
      })()
      this.feed.pull()
    }, 1000)
    ;(async () => {
      await this.feed.ready()
    })()
  }

  close() {
    clearInterval(this.intervalTimer)
    this.feed.disconnect()
  }
}
