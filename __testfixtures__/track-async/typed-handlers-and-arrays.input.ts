import { loadConfig, saveUser } from './api';

function both(): [Promise<void>, Promise<Record<string, string>>] {
  return [saveUser('a'), loadConfig()];
}

export function kick(ids: string[], onError: (error: unknown) => void, maybeCallable: ((error: unknown) => void) | undefined): void {
  both();
  ids.map((id) => saveUser(id));
  saveUser('b').catch(onError);
  saveUser('c').then(undefined, maybeCallable);
  [saveUser('d'), 1];
}
