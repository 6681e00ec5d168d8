async function load() {}

export function init(obj, cache) {
  obj.load();
  cache.load();
  this.load();
}
