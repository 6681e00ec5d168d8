import { saveUser, loadConfig, logLine } from './api';
import { track } from '@leakfix/runtime';

export function onSignup(id: string): void {
  track(saveUser(id), 'saveUser');
  track(loadConfig().then((config) => logLine(JSON.stringify(config))), 'loadConfig');
  logLine('signed up');
  void saveUser(id);
}
