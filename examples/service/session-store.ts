// An in-memory session store that evicts expired sessions once a minute.
// Leak: `close()` forgets the sweep timer, so a closed store keeps the process alive.
interface Session {
  id: string;
  expiresAt: number;
}

export class SessionStore {
  private sessions = new Map<string, Session>();
  private sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.evictExpired(), 60_000);
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  put(session: Session): void {
    this.sessions.set(session.id, session);
  }

  close(): void {
    this.sessions.clear();
  }

  private evictExpired(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (session.expiresAt < now) this.sessions.delete(id);
    }
  }
}
