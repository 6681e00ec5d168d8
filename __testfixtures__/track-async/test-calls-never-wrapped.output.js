const { describe, it, before } = require('node:test');
const { track } = require('@leakfix/runtime');

async function seed() {}

describe('users', () => {
  before(async () => {
    await seed();
  });
  it('lists users', async () => {
    track(seed(), 'seed');
  });
  it.only('one user', () => {});
});
test('top level', async () => {});
