import { poll } from './poll';

// Node coerces '5s' to NaN and runs this every 1 ms; supervise() would throw at startup.
setInterval(() => poll(), '5s');
setInterval(() => poll(), '5000');
