enum Kind {
  Data,
  Heartbeat,
  StreamEnd,
}

interface Packet {
  kind: Kind;
  body?: string;
}

export async function read(next: () => Promise<Packet>, sink: (body: string) => void): Promise<void> {
  const keepAlive = setInterval(() => undefined, 10_000);
  try {
    do {
      const packet = await next();
      switch (packet.kind) {
        case Kind.Data:
          sink(packet.body ?? '');
          break;
        case Kind.Heartbeat:
          break;
        case Kind.StreamEnd:
          return;
      }
    } while (true);
  } finally {
    clearInterval(keepAlive);
  }
}
