import { track } from '@leakfix/runtime';

export function start(api, report, done) {
  api.load()['catch'](report);
  track(api.save()['then'](done), 'start:api.save');
}
