async function ping(): Promise<void> {}

export function keepAlive(): void {
  // eslint-disable-next-line @typescript-eslint/no-floating-promises
  ping();
  ping(); // eslint-disable-line @typescript-eslint/no-floating-promises -- best effort
  /* eslint-disable-next-line no-floating-promises */
  ping();
}
