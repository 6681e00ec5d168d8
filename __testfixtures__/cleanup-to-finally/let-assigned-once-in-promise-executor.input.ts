export async function fetchWithTimeout(url: string, ms: number): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  const response = await Promise.race([fetch(url), timeout]);
  clearTimeout(timer);
  return response;
}
