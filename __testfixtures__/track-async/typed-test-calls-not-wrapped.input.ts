import { test, saveUser } from './api';

test('saves a user', async () => {
  saveUser('u1');
});
