import { flush, poll, sweep } from './work';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
let HALF_MINUTE = MINUTE / 2;
const POLL_MS = process.env.NODE_ENV === 'production' ? MINUTE : 5 * SECOND;

setInterval(() => flush(), 5 * MINUTE);
setInterval(() => sweep(), HALF_MINUTE);
setInterval(() => poll(), POLL_MS);
