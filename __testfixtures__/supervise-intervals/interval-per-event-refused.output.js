// insomnia's smoke-test server: an interval started for each request (or connection, or message)
// runs once per call of its callback. supervise() would add a task per call, each alive until
// shutdown: the fix is to clear it where that call's work ends, which a codemod cannot pick.
const express = require('express');
const { WebSocketServer } = require('ws');
const { supervise } = require('@leakfix/runtime');

const app = express();
let subscribers = [];

app.get('/events', (request, response) => {
  subscribers.push(response);
  setInterval(() => {
    response.write('data: ' + new Date().toISOString() + '\n\n');
  }, 1000);
  request.on('close', () => {
    subscribers = subscribers.filter((sub) => sub !== response);
  });
});

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (socket) => {
  setInterval(() => socket.ping(), 30000);
});

// A named handler registered for every request.
function streamTime(request, response) {
  setInterval(() => response.write(Date.now() + '\n'), 1000);
}
app.get('/time', streamTime);

// Once: after the server listens, on the next turn, at the top level.
app.listen(3000, () => {
  supervise('interval', () => console.log('subscribers', subscribers.length), { everyMs: 60000 });
});
setImmediate(() => {
  supervise('subscribers', () => subscribers.forEach((sub) => sub.write(':\n\n')), { everyMs: 15000 });
});
supervise('interval#2', () => console.log('alive'), { everyMs: 300000 });
