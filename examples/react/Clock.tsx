// A clock that ticks every second.
// Leak: the effect starts an interval and returns no cleanup, so every unmount (and every
// re-render in StrictMode) leaves one more interval running.
import React, { useEffect, useState } from 'react';

export function Clock() {
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    setInterval(() => setNow(new Date()), 1000);
  }, []);

  return <time dateTime={now.toISOString()}>{now.toLocaleTimeString()}</time>;
}
