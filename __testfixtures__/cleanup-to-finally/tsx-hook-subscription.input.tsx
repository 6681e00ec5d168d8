import { useCallback } from 'react';

export function useRefresh(source: { subscribe(): { unsubscribe(): void } }, load: () => Promise<number>) {
  return useCallback(async (): Promise<number> => {
    const subscription = source.subscribe();
    const count: number = await load();
    subscription.unsubscribe();
    return count;
  }, [source, load]);
}
