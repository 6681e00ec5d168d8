import React, { memo, forwardRef, useState, useCallback } from 'react';
import { observer } from 'mobx-react';
import { supervise } from '@leakfix/runtime';

// Anonymous, wrapped in memo(): a component body, on every render.
export const Panel = memo(function ({ poll }) {
  setInterval(poll, 1000);
  return null;
});

// An event handler inside a component: its owner is the component instance.
export const Field = forwardRef((props, ref) => {
  const onFocus = () => {
    setInterval(() => props.poll(), 1000);
  };
  return <input ref={ref} onFocus={onFocus} />;
});

// Calls hooks and returns null or JSX: a component, and start() is its handler.
export function Counter({ poll }) {
  const [n] = useState(0);
  function start() {
    setInterval(() => poll(n), 1000);
  }
  return n > 0 ? null : <button onClick={start} />;
}

// A callback made with useCallback is a handler too.
export function Refresher({ refresh }) {
  const begin = useCallback(() => {
    setInterval(refresh, 5000);
  }, [refresh]);
  return <button onClick={begin} />;
}

// observer(...) wraps a component too.
export default observer(() => {
  setInterval(() => console.log('render'), 1000);
  return null;
});

// Not a component: a module function, supervised.
export function startPolling(poll) {
  supervise('poll', () => poll(), { everyMs: 1000 });
}
