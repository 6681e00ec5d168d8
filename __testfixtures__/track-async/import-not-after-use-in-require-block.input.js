async function warmUp() {
  await fetch('http://cache.local/warm');
}

const path = require('path');
require('./hooks').on('ready', () => {
  warmUp();
});
const db = require(path.join(__dirname, 'db'));

module.exports = { db };
