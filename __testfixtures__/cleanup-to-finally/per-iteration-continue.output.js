async function runJobs(pool, jobs) {
  let done = 0;
  for (const job of jobs) {
    const client = await pool.connect();
    try {
      if (!job.ready) {
        continue;
      }
      await client.query(job.sql);
      done++;
    } finally {
      client.release();
    }
  }
  return done;
}
