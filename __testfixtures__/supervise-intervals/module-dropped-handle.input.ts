import { refreshCache } from './cache';

setInterval(() => refreshCache(), 60_000);
