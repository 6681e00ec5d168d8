const { setTimeout: sleep } = require('timers/promises');

async function poll(queue, run) {
  while (true) {
    const job = await queue.peek();
    switch (job && job.status) {
      case 'ready':
        await run(job);
        break;
      default:
        break;
    }
    await sleep(1000);
  }
}

module.exports = { poll };
