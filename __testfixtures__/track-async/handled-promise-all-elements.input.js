async function a() {}
async function b() {}

export async function both(log) {
  await Promise.all([a(), b()]);
  const results = await Promise.allSettled([a(), b()]);
  Promise.race([a(), b()]).catch(log);
  return Promise.any([a(), b()]).then(() => results);
}
