import { cache } from './cache'

export async function allowed(user: { id: string; enabled: boolean }) {
  if (!await cache.isAdmin(user.id)) return false
  return user.enabled || await cache.isModerator(user.id)
}

export const handler = (function () {
  return function (req: { user: string }) {
    return req.user
  }
}())

cache.on('ready', function () {
  cache.warm()
})

setInterval(() => cache.refresh(), 60_000)
