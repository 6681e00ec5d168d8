import { config } from './config';
import { poll } from './poll';

const settings = { intervalMs: 1000 };

setInterval(() => poll(), config.interval);
setInterval(() => poll(), settings.intervalMs);
