async function a(n) {
  return n;
}

async function b() {
  return 2;
}

export function start(urls, items) {
  [a(1), b()];
  Object.keys(items).map((key) => a(key));
  [1, 2].map(async (n) => {
    await a(n);
  });
  urls.map(async (url) => {
    await fetch(url);
  });
  items.forEach(async (item) => {
    await a(item);
  });
}
