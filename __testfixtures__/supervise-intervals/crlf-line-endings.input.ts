import { flushQueue } from "./queue";

// flush every second
setInterval(() => {
  flushQueue();
}, 1000);
