async function allowed(queue, user) {
  if (!await queue.isAdmin(user)) return false
  return user.enabled || await queue.isModerator(user)
}

const handler = (function () {
  return function (req) {
    return req.user
  }
}())

async function consume(queue, log) {
  while (true) {
    const msg = await queue.next()
    const skip = !await queue.wanted(msg)
    switch (msg.type) {
      case 'data':
        if (!skip) log(msg.value)
        break
      case 'end':
        break
    }
  }
}

module.exports = { allowed, handler, consume }
