const { describe, it, before } = require('node:test');

async function seed() {}

describe('users', () => {
  before(async () => {
    await seed();
  });
  it('lists users', async () => {
    seed();
  });
  it.only('one user', () => {});
});
test('top level', async () => {});
