import { useEffect, useLayoutEffect, useState } from 'react';

export function LiveFeed({ url }: { url: string }) {
  const [items, setItems] = useState<string[]>([]);

  useEffect(() => {
    const socket = new WebSocket(url);
    socket.onmessage = (e) => setItems((xs) => [...xs, String(e.data)]);
    const intervalId = setInterval(() => socket.send('ping'), 25_000);
    return () => {
      socket.close();
      clearInterval(intervalId);
    };
  }, [url]);

  useLayoutEffect(() => {
    const poll = setInterval(() => setItems((xs) => xs.slice(-100)), 5_000);
    return () => {
      setItems([]);
      clearInterval(poll);
    };
  }, []);

  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;
}
