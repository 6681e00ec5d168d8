class Heartbeat {
  beat() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.beat(), this.interval);
    ping()
      .then(() => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.beat(), this.interval);
      })
      .catch(() => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.beat(), this.interval * 2);
      });
  }
}
