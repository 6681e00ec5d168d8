import { useCallback } from 'react';

export function useRefresh(source: { subscribe(): { unsubscribe(): void } }, load: () => Promise<number>) {
  return useCallback(async (): Promise<number> => {
    const subscription = source.subscribe();
    try {
      const count: number = await load();
      return count;
    } finally {
      subscription.unsubscribe();
    }
  }, [source, load]);
}
