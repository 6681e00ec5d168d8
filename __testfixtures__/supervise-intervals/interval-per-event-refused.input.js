// insomnia's smoke-test server: an interval started for each request (or connection, or message)
// runs once per call of its callback. supervise() would add a task per call, each alive until
// shutdown: the fix is to clear it where that call's work ends, which a codemod cannot pick.
const express = require('express');
const { WebSocketServer } = require('ws');

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
  setInterval(() => console.log('subscribers', subscribers.length), 60000);
});
setImmediate(() => {
  setInterval(() => subscribers.forEach((sub) => sub.write(':\n\n')), 15000);
});
setInterval(() => console.log('alive'), 300000);
