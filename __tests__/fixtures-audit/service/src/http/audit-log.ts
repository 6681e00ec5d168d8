import { flush } from '../report';

async function writeEntry(entry: string): Promise<void> {
  await flush();
  process.stdout.write(entry);
}

export function onRequest(path: string): void {
  writeEntry(`GET ${path}`);
}

export function onError(message: string): void {
  void writeEntry(`ERR ${message}`);
}

export function onClose(): void {
  writeEntry('close').catch((error) => console.error(error));
}

export async function onShutdown(): Promise<void> {
  await writeEntry('shutdown');
}

export function onDebug(message: string): void {
  // leakfix-ignore
  writeEntry(`DEBUG ${message}`);
}

export function onBatch(entries: string[]): void {
  entries.forEach(async (entry) => {
    await writeEntry(entry);
  });
}
