import { useEffect, useState } from 'react';

export function Clock(): JSX.Element {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    setInterval(() => setNow(Date.now()), 1000);
  }, []);
  return <span>{new Date(now).toISOString()}</span>;
}
