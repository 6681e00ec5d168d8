import { test, saveUser } from './api';
import { track } from '@leakfix/runtime';

test('saves a user', async () => {
  track(saveUser('u1'), 'saveUser');
});
