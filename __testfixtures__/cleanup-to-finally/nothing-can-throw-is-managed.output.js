function armAndCancel(fn, enabled) {
  const t = setTimeout(fn, 10);
  let state = enabled ? 'armed' : 'idle';
  state = 'cancelled';
  clearTimeout(t);
  return state;
}
