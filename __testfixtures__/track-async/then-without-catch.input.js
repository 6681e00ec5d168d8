import { api } from './api';

export function refresh(store) {
  api.getUser().then((user) => store.set(user));
  api.getTeam().then((team) => store.set(team), undefined);
  api.ping().finally(() => store.touch());
}
