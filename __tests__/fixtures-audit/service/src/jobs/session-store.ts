export class SessionStore {
  private sessions = new Map<string, number>();
  private sweeper = setInterval(() => this.sweep(), 60_000);

  sweep(): void {
    const now = Date.now();
    for (const [id, expires] of this.sessions) if (expires < now) this.sessions.delete(id);
  }

  close(): void {
    this.sessions.clear();
  }
}
