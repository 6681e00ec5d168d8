export async function fetchWithTimeout(url: string, ms: number): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const response = await fetch(url, { signal: controller.signal });
  clearTimeout(timer);
  return response;
}
