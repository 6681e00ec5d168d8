const http = require('http');

async function notify(event) {
  await http.get(`http://hooks.local/${event}`);
}

function onEvent(event) {
  notify(event);
}

module.exports = { onEvent };
