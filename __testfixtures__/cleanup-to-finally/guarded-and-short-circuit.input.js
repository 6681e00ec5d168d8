async function poll(check, ms) {
  const t = ms > 0 ? setTimeout(() => console.warn('slow poll'), ms) : undefined;
  const ok = await check();
  if (!ok) {
    t && clearTimeout(t);
    return false;
  }
  t && clearTimeout(t);
  return true;
}
