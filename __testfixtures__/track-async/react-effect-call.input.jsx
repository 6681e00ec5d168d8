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

  return <div>{user?.name}</div>;
}
