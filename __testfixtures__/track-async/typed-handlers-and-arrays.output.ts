import { loadConfig, saveUser } from './api';
import { track } from '@leakfix/runtime';

function both(): [Promise<void>, Promise<Record<string, string>>] {
  return [saveUser('a'), loadConfig()];
}

export function kick(ids: string[], onError: (error: unknown) => void, maybeCallable: ((error: unknown) => void) | undefined): void {
  track(Promise.all(both()), 'kick:both');
  track(Promise.all(ids.map((id) => saveUser(id))), 'kick:saveUser');
  saveUser('b').catch(onError);
  track(saveUser('c').then(undefined, maybeCallable), 'kick:saveUser#2');
  track(Promise.all([saveUser('d'), 1]), 'kick:saveUser#3');
}
