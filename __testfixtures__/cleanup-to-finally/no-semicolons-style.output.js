async function firstRow (pool, sql) {
  const client = await pool.connect()
  try {
    const { rows } = await client.query(sql)
    if (rows.length === 0) {
      return null
    }
    return rows[0]
  } finally {
    client.release()
  }
}

async function waitForReply (socket, ms) {
  const t = setTimeout(() => socket.emit('error', new Error('timed out')), ms)
  try {
    const [message] = await once(socket, 'message')
    return message
  } finally {
    if (t) clearTimeout(t)
  }
}
