async function runJobs(pool, jobs) {
  let done = 0;
  for (const job of jobs) {
    const client = await pool.connect();
    if (!job.ready) {
      client.release();
      continue;
    }
    await client.query(job.sql);
    client.release();
    done++;
  }
  return done;
}
