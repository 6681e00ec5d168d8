import { on } from 'node:events';

export async function listen(bus, handle) {
  const ac = new AbortController();
  try {
    for await (const [message] of on(bus, 'message', { signal: ac.signal })) {
      switch (message.type) {
        case 'payload':
          await handle(message.body);
          break;
        case 'close':
          return;
      }
    }
  } finally {
    ac.abort();
  }
}
