import { useEffect } from 'react';

export function Poller({ enabled, poll }) {
  useEffect(() => {
    const id = setInterval(poll, 2000);
    if (!enabled) return () => clearInterval(id);
    if (enabled) return undefined;
  }, [enabled, poll]);

  useEffect(() => {
    setInterval(poll, 5000);
    return enabled;
  }, [enabled, poll]);

  return null;
}
