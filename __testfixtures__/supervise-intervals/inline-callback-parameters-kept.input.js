const { send } = require('./transport');

const target = 'primary';

// Callbacks that take setInterval's extra arguments are called with them, written as they were.
setInterval((name) => send(name), 1000, target);
setInterval(function (name, attempt) {
  send(name, attempt);
}, 2000, target, 1);
