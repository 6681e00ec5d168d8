import { saveUser } from './api';

async function audit(): Promise<void> {}

export function onSignup(id: string): void {
  saveUser(id);
  audit();
}
