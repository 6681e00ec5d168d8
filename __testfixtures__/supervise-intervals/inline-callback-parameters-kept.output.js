const { send } = require('./transport');
const { supervise } = require('@leakfix/runtime');

const target = 'primary';

// Callbacks that take setInterval's extra arguments are called with them, written as they were.
supervise('send', () => ((name) => send(name))(target), { everyMs: 1000 });
supervise('send#2', () => (function (name, attempt) {
  send(name, attempt);
})(target, 1), { everyMs: 2000 });
