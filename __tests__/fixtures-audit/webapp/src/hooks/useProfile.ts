import { useEffect, useState } from 'react';

async function load(id: string): Promise<string> {
  const response = await fetch(`/api/profile/${id}`);
  return response.text();
}

export function useProfile(id: string): string | undefined {
  const [profile, setProfile] = useState<string>();
  useEffect(() => {
    load(id).then(setProfile);
  }, [id]);
  return profile;
}

export async function preload(ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => load(id)));
}

export function prefetch(id: string): void {
  load(id);
}
