interface Subscription {
  unsubscribe(): void;
}

export function watch(store: { changes: { subscribe(cb: (v: number) => void): Subscription }; value: number }, onChange: (v: number) => void): () => void {
  const subscription = store.changes.subscribe(onChange);
  onChange(store.value);
  return () => subscription.unsubscribe();
}

export function follow(feed: { open(): { read(): string; close(): void } }) {
  const cursor = feed.open();
  return {
    next: () => cursor.read(),
    close() {
      cursor.close();
    },
  };
}

export function poll(source: { refresh(): void }, ms: number): () => void {
  const timer = setTimeout(() => source.refresh(), ms);
  const stop = () => {
    clearTimeout(timer);
  };
  return stop;
}

export function maybeWatch(store: { subscribe(): Subscription }, enabled: boolean): (() => void) | undefined {
  const subscription = store.subscribe();
  if (!enabled) return undefined;
  return () => subscription.unsubscribe();
}

export function watchWhileMounted(store: { subscribe(): Subscription }, mounted: () => boolean): () => void {
  const subscription = store.subscribe();
  return () => {
    if (mounted()) subscription.unsubscribe();
  };
}
