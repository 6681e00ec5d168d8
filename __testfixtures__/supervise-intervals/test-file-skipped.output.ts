import { poll } from '../src/poller';

setInterval(() => poll(), 10);
