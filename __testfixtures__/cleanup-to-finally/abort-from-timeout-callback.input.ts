export async function fetchJson(url: string, timeoutMs = 5_000): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const response = await fetch(url, { signal: controller.signal });
  const body = await response.json();
  clearTimeout(timer);
  return body;
}

export function cancelOnClose(socket: { on(event: string, cb: () => void): void }, start: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  socket.on('close', () => controller.abort());
  return start(controller.signal);
}
