async function waitForJob(client, seconds) {
  let timedOut = false;
  let watchdog;
  const timeout = new Promise((resolve) => {
    watchdog = setTimeout(() => {
      timedOut = true;
      resolve(null);
    }, seconds * 1000);
  });
  try {
    return await Promise.race([client.bzpopmin(seconds), timeout]);
  } finally {
    clearTimeout(watchdog);
    if (timedOut) client.reset();
  }
}

async function waitTwice(client, seconds) {
  let watchdog;
  const timeout = new Promise((resolve) => {
    watchdog = setTimeout(resolve, seconds * 1000);
  });
  try {
    await client.ping();
    return await Promise.race([client.bzpopmin(seconds), timeout]);
  } finally {
    clearTimeout(watchdog);
  }
}
