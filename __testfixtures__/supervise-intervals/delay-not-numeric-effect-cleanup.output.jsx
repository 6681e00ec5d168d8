import { useEffect, useState } from 'react';

export function Clock({ everyMs }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const intervalId = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(intervalId);
  }, [everyMs]);
  return <time>{now}</time>;
}
