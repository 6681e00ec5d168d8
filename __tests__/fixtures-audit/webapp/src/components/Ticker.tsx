import { useEffect, useState } from 'react';

export function Ticker({ everyMs }: { everyMs: number }): JSX.Element {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setCount((c) => c + 1), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return <b>{count}</b>;
}

export function Blinker(): JSX.Element {
  const [on, setOn] = useState(false);
  setInterval(() => setOn((v) => !v), 500);
  return <i>{on ? '*' : ' '}</i>;
}
