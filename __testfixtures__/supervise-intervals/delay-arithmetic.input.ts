import { flush, poll, sweep } from './work';

setInterval(() => flush(), 60 * 60 * 1000);
setInterval(() => sweep(), (2 ** 10 + 24) as number);
setInterval(() => poll(), -(-250));
setInterval(() => poll(), 0);
