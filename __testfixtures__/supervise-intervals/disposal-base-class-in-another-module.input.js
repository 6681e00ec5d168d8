// pm2's WebsocketTransport: the base class lives in another file, and its reconnect(), _onClose()
// and _onError() call this.disconnect() on every network blip. leakfix cannot see that code, so a
// disconnect() here is not known to be the end of life.
const Transporter = require('./Transporter');
const { EventEmitter } = require('events');
const stream = require('stream');
const { Base } = require('@/transport/Base');
const { Channel } = require('@acme/transport');
const mixin = require('./mixin');

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

// Bases leakfix cannot read either: a path alias, a workspace package, a mixin, a require in the
// extends clause. Each may call close() mid-life.
class AliasTransport extends Base {
  constructor() {
    super();
    this.pinger = setInterval(() => this.ping(), 1000);
  }
  ping() {}
  close() {}
}
class PackageTransport extends Channel {
  constructor() {
    super();
    this.pinger = setInterval(() => this.ping(), 1000);
  }
  ping() {}
  close() {}
}
class MixedTransport extends mixin(EventEmitter) {
  constructor() {
    super();
    this.pinger = setInterval(() => this.ping(), 1000);
  }
  ping() {}
  close() {}
}
class RequiredTransport extends require('./Transporter') {
  constructor() {
    super();
    this.pinger = setInterval(() => this.ping(), 1000);
  }
  ping() {}
  close() {}
}

// Node's own classes call no method of ours: close() is the end of life.
class Sink extends stream.Writable {
  constructor() {
    super();
    this.flusher = setInterval(() => this.flush(), 1000);
  }
  flush() {}
  close() {}
}

module.exports = { WebsocketTransport, PollingTransport, Monitor, AliasTransport, PackageTransport, MixedTransport, RequiredTransport, Sink };
