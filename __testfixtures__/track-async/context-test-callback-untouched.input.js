async function save() {}

describe('queue', () => {
  it('saves', () => {
    save();
  });
});
