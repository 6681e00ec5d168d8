import { useEffect } from 'react';

export function Feed({ source, refresh }) {
  useEffect(() => {
    source.ready().then(() => {
      setInterval(refresh, 5000);
    });
  }, [source, refresh]);

  useEffect(() => {
    if (source.live) {
      setInterval(refresh, 1000);
    }
  }, [source, refresh]);

  return null;
}
