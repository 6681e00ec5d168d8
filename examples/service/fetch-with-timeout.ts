// Calls an upstream service with a deadline.
// Leak: the timer is cleared only on success; when `fetch` rejects, it still fires later and
// keeps the process (and the controller) alive until then.
export async function fetchJson(url: string, timeoutMs = 5_000): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const response = await fetch(url, { signal: controller.signal });
  const body = await response.json();
  clearTimeout(timer);
  return body;
}
