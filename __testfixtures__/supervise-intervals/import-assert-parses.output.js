import config from './config.json' assert { type: 'json' };
import { supervise } from '@leakfix/runtime';

supervise('refresh', () => refresh(config), { everyMs: 60_000 });

function refresh(c) {
  return c;
}
