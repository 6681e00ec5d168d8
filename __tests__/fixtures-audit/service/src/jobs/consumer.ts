interface Message {
  type: 'data' | 'end' | 'error';
  payload?: string;
}

function ping(): void {
  process.stdout.write('ping\n');
}

export async function consume(queue: { next(): Promise<Message> }, handle: (payload?: string) => void): Promise<void> {
  const heartbeat = setInterval(ping, 5000);
  try {
    while (true) {
      const msg = await queue.next();
      switch (msg.type) {
        case 'data':
          handle(msg.payload);
          break;
        case 'end':
          break;
      }
    }
  } finally {
    clearInterval(heartbeat);
  }
}

export async function drain(queue: { next(): Promise<Message> }, stopped: () => boolean): Promise<number> {
  let count = 0;
  while (true) {
    if (stopped()) break;
    const msg = await queue.next();
    switch (msg.type) {
      case 'data':
        count++;
        break;
      case 'end':
        break;
    }
  }
  return count;
}

export async function follow(queue: { next(): Promise<Message> }): Promise<void> {
  for (;;) {
    const msg = await queue.next();
    switch (msg.type) {
      case 'end':
        return;
      default:
        break;
    }
  }
}
