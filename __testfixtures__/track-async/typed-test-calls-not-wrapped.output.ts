import { describe, test } from 'node:test';
import { saveUser } from './api';

describe('users', () => {
  test('saves a user', async () => {
    saveUser('u1');
  });
});
