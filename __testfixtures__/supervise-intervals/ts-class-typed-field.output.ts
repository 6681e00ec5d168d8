export class SessionStore {
  private persistTimer?: ReturnType<typeof setInterval>;
  private readonly sessions = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | undefined;

  start(): void {
    this.sweepTimer = setInterval(() => this.sweep(), 30_000);
    this.persistTimer = setInterval(() => this.persist(), 60_000);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, expires] of this.sessions) if (expires < now) this.sessions.delete(id);
  }

  private persist(): void {}

  dispose(): void {
    clearInterval(this.sweepTimer);
    clearInterval(this.persistTimer);
    this.sessions.clear();
  }
}
