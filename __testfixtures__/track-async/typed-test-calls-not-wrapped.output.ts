import { describe, test } from 'node:test';
import { saveUser } from './api';
import { track } from '@leakfix/runtime';

describe('users', () => {
  test('saves a user', async () => {
    track(saveUser('u1'), 'saveUser');
  });
});
