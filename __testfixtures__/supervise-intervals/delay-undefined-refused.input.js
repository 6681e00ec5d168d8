import { poll } from './poll';

setInterval(() => poll(), undefined);
setInterval(() => poll());
