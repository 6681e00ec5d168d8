async function firstRow (pool, sql) {
  const client = await pool.connect()
  const { rows } = await client.query(sql)
  if (rows.length === 0) {
    client.release()
    return null
  }
  client.release()
  return rows[0]
}

async function waitForReply (socket, ms) {
  const t = setTimeout(() => socket.emit('error', new Error('timed out')), ms)
  const [message] = await once(socket, 'message')
  if (t) clearTimeout(t)
  return message
}
