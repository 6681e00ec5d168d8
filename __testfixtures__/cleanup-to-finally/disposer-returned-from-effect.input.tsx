import { useEffect, useState } from 'react';

export function Toast({ message, ms }: { message: string; ms: number }) {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const timer = setTimeout(() => setVisible(false), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return visible ? <p>{message}</p> : null;
}

export function useResize(onResize: () => void): void {
  useEffect(() => {
    const frame = requestAnimationFrame(onResize);
    const debounce = setTimeout(onResize, 100);
    return () => {
      cancelAnimationFrame(frame);
      if (debounce) clearTimeout(debounce);
    };
  }, [onResize]);
}
