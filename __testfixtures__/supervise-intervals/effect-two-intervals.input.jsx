import React from 'react';

export function Dashboard({ load, ping }) {
  React.useEffect(() => {
    setInterval(load, 10000);
    const heartbeat = setInterval(() => ping(), 30000);
  }, [load, ping]);

  return <div />;
}
