import React from 'react';

export function Dashboard({ load, ping }) {
  React.useEffect(() => {
    const intervalId = setInterval(load, 10000);
    const heartbeat = setInterval(() => ping(), 30000);
    return () => {
      clearInterval(intervalId);
      clearInterval(heartbeat);
    };
  }, [load, ping]);

  return <div />;
}
