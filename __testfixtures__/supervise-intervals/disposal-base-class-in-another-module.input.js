// pm2's WebsocketTransport: the base class lives in another file, and its reconnect(), _onClose()
// and _onError() call this.disconnect() on every network blip. leakfix cannot see that code, so a
// disconnect() here is not known to be the end of life.
const Transporter = require('./Transporter');
const { EventEmitter } = require('events');

// Created once, in the constructor: cleared in disconnect(), the queue and the heartbeat would stop
// after the first reconnect.
class WebsocketTransport extends Transporter {
  constructor(opts) {
    super();
    this.opts = opts;
    this._worker = setInterval(this._emptyQueue.bind(this), 10000);
    this._heartbeater = setInterval(this._heartbeat.bind(this), 5000);
  }
  _emptyQueue() {}
  _heartbeat() {}
  disconnect() {
    this._ws = null;
  }
}

// Started again in connect(): whatever the base does, each connection has its own interval.
class PollingTransport extends Transporter {
  connect() {
    setInterval(() => this.poll(), 1000);
  }
  poll() {}
  disconnect() {}
}

// A base from a package (Node's events): its code calls no disposal method of ours.
class Monitor extends EventEmitter {
  constructor() {
    super();
    setInterval(() => this.emit('tick'), 1000);
  }
  close() {}
}

module.exports = { WebsocketTransport, PollingTransport, Monitor };
