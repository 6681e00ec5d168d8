async function save(item) {}

export function saveAll(items) {
  items.map(async (item) => {
    await save(item);
  });
  items.forEach(async function (item) {
    await save(item);
  });
}
