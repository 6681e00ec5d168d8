const assert = require('node:assert');
const { execSync } = require('node:child_process');

async function lookup(pool, key, cache) {
  const conn = await pool.acquire();
  const hit = await conn.get(key);
  if (hit !== undefined) {
    conn.release();
    cache.set(key, hit);
    return hit;
  }
  const fresh = await conn.fetch(key);
  conn.release();
  return fresh;
}

async function checkDisconnect(connect) {
  let closed = false;
  const client = await connect(() => {
    closed = true;
  });
  await client.ping();
  client.disconnect();
  assert(closed === true);
}

async function pushRelease(readline, question) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await question(rl, 'Push? ');
  rl.close();
  execSync('git push', { stdio: 'inherit' });
  return answer;
}

async function download(progress, files, fetchFile) {
  const bar = progress.create(files.length);
  for (const file of files) await fetchFile(file, bar);
  bar.stop();
  console.log('downloaded', files.length);
}
