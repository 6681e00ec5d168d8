async function load() {
  return 1;
}

export function warm(value) {
  Promise.resolve(value);
  Promise.resolve();
  Promise.resolve(load());
}
