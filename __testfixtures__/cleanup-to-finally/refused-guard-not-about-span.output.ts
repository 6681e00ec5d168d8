export async function traced<T>(tracer: Tracer, name: string, work: () => Promise<T>, endWhenDone: boolean): Promise<T> {
  const span = tracer.startSpan(name);
  const value = await work();
  if (endWhenDone) span.end();
  return value;
}
