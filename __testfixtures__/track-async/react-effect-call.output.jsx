import { useEffect, useState } from 'react';
import { track } from '@leakfix/runtime';

export function Profile({ id }) {
  const [user, setUser] = useState(null);

  const loadUser = async () => {
    const response = await fetch(`/api/users/${id}`);
    setUser(await response.json());
  };

  useEffect(() => {
    track(loadUser(), 'Profile:loadUser');
  }, [id]);

  useEffect(() => {
    track((async () => {
      await fetch(`/api/users/${id}/seen`, { method: 'POST' });
    })(), 'Profile:fetch');
  }, [id]);

  return <div>{user?.name}</div>;
}
