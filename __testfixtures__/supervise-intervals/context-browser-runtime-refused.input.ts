import { useEffect, useState } from "react";

let callbacks: (() => void)[] = [];

// A shared timer that fires every minute, for every Time component on the page.
setInterval(() => {
  callbacks.forEach((cb) => cb());
}, 1000 * 60);

export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    setInterval(() => setNow(Date.now()), 1000);
  }, []);
  return now;
}
