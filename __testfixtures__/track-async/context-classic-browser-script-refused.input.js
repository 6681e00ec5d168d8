async function load() {}

window.addEventListener('load', function () {
  document.title = 'ready';
});

function start() {
  load();
}
