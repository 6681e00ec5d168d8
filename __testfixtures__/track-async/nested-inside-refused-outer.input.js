async function load() {
  return 1;
}

async function save() {
  return 2;
}

export function watch(emitter) {
  emitter.on('change', () => {
    load().then(() => {
      save();
    });
  });
}

export function kick() {
  load().then(() => {
    save();
  });
}
