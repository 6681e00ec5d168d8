async function refresh() {}

export function wire(emitter, button) {
  setTimeout(() => {
    refresh();
  }, 1000);
  setInterval(function tick() {
    refresh();
  }, 5000);
  emitter.on('change', () => {
    refresh();
  });
  button.addEventListener('click', () => refresh().then(() => {}));
  window.setTimeout(() => {
    refresh();
  });
}
