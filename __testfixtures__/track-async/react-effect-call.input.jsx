import { useEffect, useState } from 'react';

export function Profile({ id }) {
  const [user, setUser] = useState(null);

  const loadUser = async () => {
    const response = await fetch(`/api/users/${id}`);
    setUser(await response.json());
  };

  useEffect(() => {
    loadUser();
  }, [id]);

  useEffect(() => {
    (async () => {
      await fetch(`/api/users/${id}/seen`, { method: 'POST' });
    })();
  }, [id]);

  return <div>{user?.name}</div>;
}
