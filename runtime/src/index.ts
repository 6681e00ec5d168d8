// Placeholder until the runtime lands (issue 3).
export function track(promise: PromiseLike<unknown>, name?: string): void {
  void name;
  Promise.resolve(promise).catch(() => undefined);
}
