async function load(): Promise<void> {}

export function shapes(ready: boolean): void {
  load(); // fire and forget
  (load());
  if (ready) load();
  else load()
  retry: load();
  load() as Promise<void>;
  load()!;
  load?.();
  load()
    .then(() => console.log('loaded'));
}
