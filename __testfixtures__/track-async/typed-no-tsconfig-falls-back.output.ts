import { saveUser } from './api';
import { track } from '@leakfix/runtime';

async function audit(): Promise<void> {}

export function onSignup(id: string): void {
  saveUser(id);
  track(audit(), 'onSignup:audit');
}
