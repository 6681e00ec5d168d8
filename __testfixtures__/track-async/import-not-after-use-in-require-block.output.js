const { track } = require('@leakfix/runtime');

async function warmUp() {
  await fetch('http://cache.local/warm');
}

const path = require('path');
require('./hooks').on('ready', () => {
  track(warmUp(), 'warmUp');
});
const db = require(path.join(__dirname, 'db'));

module.exports = { db };
