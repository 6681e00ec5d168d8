import { useEffect } from 'react';

export function Presence({ intervalId, ping }) {
  useEffect(() => {
    setInterval(() => ping(intervalId), 30000);
  }, [intervalId, ping]);

  return null;
}
