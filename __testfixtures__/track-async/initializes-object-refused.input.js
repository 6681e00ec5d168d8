const { EventEmitter } = require('events');
const util = require('util');
const connection = require('./connection');

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
		this.refresh().then((data) => {
			this.data = data;
		});
	}
}

module.exports = { PubSub, Cache };
