const { pool } = require('./db')

async function allowed(user) {
  if (!await pool.isAdmin(user)) return false
  return user.enabled || await pool.isModerator(user)
}

const handler = (function () {
  return function (req) {
    return req.user
  }
}())

async function load(pool, id) {
  const client = await pool.connect()
  try {
    const found = !await client.exists(id)
    const rows = found || await client.query(id)
    return rows
  } finally {
    client.release()
  }
}

module.exports = { allowed, handler, load }
