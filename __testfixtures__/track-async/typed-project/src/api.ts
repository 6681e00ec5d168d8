// A sibling module for typed-mode fixtures: nothing in the importing file says these are async.
export async function saveUser(id: string): Promise<void> {
  if (!id) throw new Error('no id');
}

export function loadConfig(): Promise<Record<string, string>> {
  return Promise.resolve({});
}

export const logged: string[] = [];

export function logLine(line: string): void {
  logged.push(line);
}

export function maybeRefresh(enabled: boolean): Promise<void> | undefined {
  return enabled ? Promise.resolve() : undefined;
}

export interface Store {
  flush(): Promise<void>;
  size(): number;
}

export interface Thenable {
  then(onFulfilled: (value: number) => void, onRejected: (reason: unknown) => void): void;
}

export const store: Store = {
  flush: async () => undefined,
  size: () => 0,
};
