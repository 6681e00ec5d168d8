async function seed() {}

describe('users', () => {
  beforeEach(() => {
    seed();
  });
  it('lists users', async () => {
    seed();
  });
});
