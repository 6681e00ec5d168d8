import { useEffect, useRef } from 'react';

export function Clock({ onTick, enabled }) {
  const pollRef = useRef(null);
  const retryRef = useRef(null);

  // A named cleanup.
  useEffect(() => {
    const id = setInterval(onTick, 1000);
    const cleanup = () => clearInterval(id);
    return cleanup;
  }, [onTick]);

  // Several returns, each one clears.
  useEffect(() => {
    const id = setInterval(onTick, 500);
    if (!enabled) {
      return () => clearInterval(id);
    }
    return () => {
      clearInterval(id);
    };
  }, [onTick, enabled]);

  // Started in a nested block that returns its own cleanup (the useInterval hook).
  useEffect(() => {
    if (enabled) {
      const id = setInterval(onTick, 250);
      return () => clearInterval(id);
    }
    return undefined;
  }, [enabled]);

  // A ref handle cleared by another effect's cleanup.
  useEffect(() => {
    pollRef.current = setInterval(onTick, 2000);
  }, [onTick]);
  useEffect(() => () => clearInterval(pollRef.current), []);

  // A ref handle cleared by a helper of the same component.
  const stopRetry = () => {
    clearInterval(retryRef.current);
  };
  useEffect(() => {
    retryRef.current = setInterval(onTick, 4000);
    return stopRetry;
  }, [onTick]);

  // Declared first, assigned once, cleared.
  useEffect(() => {
    let id;
    id = setInterval(onTick, 3000);
    return () => clearInterval(id);
  }, [onTick]);

  return null;
}
