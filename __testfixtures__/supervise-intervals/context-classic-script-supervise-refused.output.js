function poll() {}

window.onload = function () {
  setInterval(poll, 1000);
};
