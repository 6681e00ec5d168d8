import * as React from 'react';

export function Countdown({ from }: { from: number }) {
  const [left, setLeft] = React.useState(from);

  React.useEffect(() => {
    const id = setInterval(() => setLeft((n) => n - 1), 1000);
    return () => clearInterval(id);
  }, [from]);

  return <span>{left}</span>;
}
