const { EventEmitter } = require('events');
const util = require('util');
const connection = require('./connection');
const { track } = require('@leakfix/runtime');

const PubSub = function () {
	const self = this;
	self.queue = [];
	connection.connect().then((client) => {
		self.pubClient = client;
		self.queue.forEach((payload) => client.publish('events', payload));
	});
};

util.inherits(PubSub, EventEmitter);

class Cache {
	constructor(store) {
		store.open().then((handle) => {
			this.handle = handle;
		});
	}

	async refresh() {
		return this.handle.reload();
	}

	poke() {
		track(this.refresh().then((data) => {
			this.data = data;
		}), 'Cache.refresh');
	}
}

module.exports = { PubSub, Cache };
