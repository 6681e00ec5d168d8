async function a() {}
async function b() {}

export function start(emitter) {
  new Promise((resolve) => emitter.once('ready', resolve));
  Promise.all([a(), b()]);
  Promise.allSettled([a()]);
}
