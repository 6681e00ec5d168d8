let load = async () => {};
load = () => 1;

async function* pages() {}

const api = {
  async fetchAll() {},
  run() {
    this.fetchAll();
  },
};

export function start() {
  load();
  pages();
  api.fetchAll();
}
