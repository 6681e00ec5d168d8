import { store } from './store';

setInterval(function () {
  this.unref();
  store.save();
}, 1000);

setInterval(store.save, 1000);

let handler = () => store.save();
setInterval(handler, 1000);
handler = () => {};

let round = 0;
setInterval((n) => store.mark(n), 1000, round++);
