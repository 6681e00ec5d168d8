// The base class calls disconnect() on every network blip: it is not the end of a transport's life.
class BaseTransport {
  constructor(url) {
    this.url = url;
  }
  reconnect() {
    this.disconnect();
    this.open();
  }
  _onClose() {
    this.disconnect();
    this.reconnect();
  }
  _onError() {
    this.disconnect();
  }
  open() {}
}

// Created once, in the constructor: clearing them in disconnect() would stop the heartbeats for good.
class HeartbeatTransport extends BaseTransport {
  constructor(url, socket) {
    super(url);
    this.socket = socket;
    setInterval(() => this.socket.ping(), 25000);
    this.statsTimer = setInterval(() => this.report(), 60000);
  }
  report() {}
  disconnect() {
    this.socket.close();
  }
}

// reconnect() starts the interval again right after disconnect(): disconnect() may clear it.
class PollingClient {
  connect() {
    setInterval(() => this.poll(), 1000);
  }
  poll() {}
  reconnect() {
    this.disconnect();
    this.connect();
  }
  disconnect() {}
}

// close() is called by reset(), mid-life; dispose() is the end of life.
class Session {
  constructor(store) {
    this.store = store;
    setInterval(() => this.store.touch(), 30000);
  }
  reset() {
    this.close();
  }
  close() {}
  dispose() {
    this.close();
  }
}

module.exports = { BaseTransport, HeartbeatTransport, PollingClient, Session };
