async function load() {}

export function render(items) {
  function load(item) {
    return item.name;
  }
  items.forEach((item) => {
    load(item);
  });
}

export function other(load) {
  load();
}
