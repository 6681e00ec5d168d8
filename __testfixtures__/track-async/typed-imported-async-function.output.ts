import { saveUser, loadConfig, logLine } from './api';
import { track } from '@leakfix/runtime';

export function onSignup(id: string): void {
  track(saveUser(id), 'onSignup:saveUser');
  track(loadConfig().then((config) => logLine(JSON.stringify(config))), 'onSignup:loadConfig');
  logLine('signed up');
  void saveUser(id);
}
