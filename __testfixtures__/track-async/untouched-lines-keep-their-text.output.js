const db = require('./db')
const { track } = require('@leakfix/runtime')

async function allowed(user) {
  if (!await db.isAdmin(user)) return false
  return user.enabled || await db.isModerator(user)
}

const handler = (function () {
  return function (req) {
    return req.user
  }
}())

db.on('ready', function () {
  warm()
})

async function warm() {
  await db.query('select 1')
}

function onLogin(user) {
  track(allowed(user).then((ok) => {
    if (ok) db.log(user)
  }), 'onLogin:allowed')
}

module.exports = { onLogin, handler }
