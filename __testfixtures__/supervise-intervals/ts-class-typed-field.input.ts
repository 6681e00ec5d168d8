export class SessionStore {
  private readonly sessions = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | undefined;

  start(): void {
    this.sweepTimer = setInterval(() => this.sweep(), 30_000);
    setInterval(() => this.persist(), 60_000);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, expires] of this.sessions) if (expires < now) this.sessions.delete(id);
  }

  private persist(): void {}

  dispose(): void {
    this.sessions.clear();
  }
}
