async function load() {}

export function keep(queue) {
  const pending = load();
  let later;
  later = load();
  queue.push(load());
  setImmediate(() => load());
  return [pending, later];
}
