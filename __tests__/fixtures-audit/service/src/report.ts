export function report(event: string): void {
  process.stdout.write(`${event}\n`);
}

export async function flush(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}
