const http = require('http'); // TODO: switch to undici
const { log } = require('./log'); /* debug() */

async function notify(event) {
  await http.get(`http://hooks.local/${event}`);
}

function onEvent(event) {
  log(event);
  notify(event);
}

module.exports = { onEvent };
