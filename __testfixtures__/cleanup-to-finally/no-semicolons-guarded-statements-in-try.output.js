// A file without semicolons guards statements that start with ( or [ with a leading ;.
// Wrapped in the new try, they move one level in like every other line, and keep the guard.
export async function report(pool, ids) {
  const client = await pool.connect()
  try {
    const rows = await client.query('select * from jobs where id = any($1)', [ids])
    ;(function log() {
      console.log(`${rows.length} jobs`)
    })()
    ;[rows.length, ids.length].forEach((n) => {
      console.log(n)
    })
    ;(async () => {
      await archive(rows)
    })()
    return rows
  } finally {
    client.release()
  }
}
