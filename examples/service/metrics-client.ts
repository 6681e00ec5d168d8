// A stand-in for a metrics SDK used by the examples.
export interface Sample {
  rss: number;
  at: number;
}

export async function collect(): Promise<Sample> {
  return { rss: process.memoryUsage().rss, at: Date.now() };
}

export async function push(sample: Sample): Promise<void> {
  if (sample.rss < 0) throw new Error('impossible sample');
}
