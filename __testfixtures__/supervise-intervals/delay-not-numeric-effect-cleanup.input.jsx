import { useEffect, useState } from 'react';

export function Clock({ everyMs }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    setInterval(() => setNow(Date.now()), everyMs);
  }, [everyMs]);
  return <time>{now}</time>;
}
