import { api } from './api';
import { track } from '@leakfix/runtime';

export function refresh(store) {
  track(api.getUser().then((user) => store.set(user)), 'refresh:api.getUser');
  track(api.getTeam().then((team) => store.set(team), undefined), 'refresh:api.getTeam');
  track(api.ping().finally(() => store.touch()), 'refresh:api.ping');
}
