import { useEffect } from 'react';

export function Presence({ intervalId, ping }) {
  useEffect(() => {
    const intervalId2 = setInterval(() => ping(intervalId), 30000);
    return () => clearInterval(intervalId2);
  }, [intervalId, ping]);

  return null;
}
