import { poll } from './poll';

// Node runs each of these every 1 ms; supervise() would throw, or wait the full 2^31 ms.
setInterval(() => poll(), -1);
setInterval(() => poll(), 2 ** 31);
setInterval(() => poll(), 1 / 0);
setInterval(() => poll(), NaN);
