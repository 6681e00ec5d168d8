async function load() {}

export async function main() {
  await load();
  return load();
}

export function passThrough() {
  return load().then(() => 1);
}

export async function* stream() {
  yield load();
}

export const arrow = () => load();
