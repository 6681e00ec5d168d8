import { api } from './api';
import { track } from '@leakfix/runtime';

export function refresh(store) {
  track(api.getUser().then((user) => store.set(user)), 'api.getUser');
  track(api.getTeam().then((team) => store.set(team), undefined), 'api.getTeam');
  track(api.ping().finally(() => store.touch()), 'api.ping');
}
