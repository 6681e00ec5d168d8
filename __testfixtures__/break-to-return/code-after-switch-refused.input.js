// Every message is acknowledged after the switch, the `end` message too: ending the loop at the
// break would leave it unacknowledged (and redelivered), so this is reported, not rewritten.
async function consume(subscription, handle) {
  const lease = setInterval(() => subscription.extendLease(), 10_000);
  try {
    while (true) {
      const msg = await subscription.pull();
      switch (msg.attributes.kind) {
        case 'event':
          await handle(msg.data);
          break;
        case 'end':
          break;
      }
      msg.ack();
    }
  } finally {
    clearInterval(lease);
  }
}

module.exports = { consume };
