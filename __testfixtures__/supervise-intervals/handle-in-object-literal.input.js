const state = { current: null };
const timers = [];

export function start(refresh) {
  state.current = { timer: setInterval(refresh, 1000) };
  timers.push(setInterval(refresh, 2000));
}

let shared;
export function startShared(refresh) {
  shared = setInterval(refresh, 3000);
}
