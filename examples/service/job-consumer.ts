// Consumes jobs from a queue until the queue says it is done.
// Leak: `break` leaves only the `switch`; the loop keeps waiting after 'end', so the
// heartbeat is never cleared and the consumer never returns.
interface Message {
  type: 'job' | 'end';
  payload?: string;
}
interface Queue {
  next(): Promise<Message>;
  heartbeat(): void;
}

export async function consume(queue: Queue, handle: (payload: string) => Promise<void>): Promise<void> {
  const heartbeat = setInterval(() => queue.heartbeat(), 1_000);
  try {
    while (true) {
      const message = await queue.next();
      switch (message.type) {
        case 'job':
          await handle(message.payload ?? '');
          break;
        case 'end':
          break;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}
