const { verifyKey, limiter } = require('./auth');

function apiAuthorizer(username, password, callback) {
  limiter.pass().then((pass) => {
    if (!pass) return callback(null, false);
    verifyKey(password).then((valid) => {
      callback(null, valid);
    });
  });
}

function ping(client) {
  return new Promise((resolve, reject) => {
    client.connect().then(() => {
      resolve(client.isOpen);
    });
  });
}

function refresh(cache) {
  cache.load().then((value) => {
    console.log('loaded', value);
  });
}

module.exports = { apiAuthorizer, ping, refresh };
