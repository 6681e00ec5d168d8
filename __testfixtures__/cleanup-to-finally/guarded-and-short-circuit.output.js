async function poll(check, ms) {
  const t = ms > 0 ? setTimeout(() => console.warn('slow poll'), ms) : undefined;
  try {
    const ok = await check();
    if (!ok) {
      return false;
    }
    return true;
  } finally {
    t && clearTimeout(t);
  }
}
