import { saveUser, loadConfig, logLine } from './api';

export function onSignup(id: string): void {
  saveUser(id);
  loadConfig().then((config) => logLine(JSON.stringify(config)));
  logLine('signed up');
  void saveUser(id);
}
