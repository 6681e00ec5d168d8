import { useState } from 'react';

export function Ticker() {
  const [n, setN] = useState(0);
  setInterval(() => setN(n + 1), 1000);
  return <b>{n}</b>;
}

export function useTicker() {
  setInterval(() => {}, 1000);
}
