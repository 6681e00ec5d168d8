import { sweep, compact, vacuum } from './store';

const sweeper: NodeJS.Timeout = setInterval(sweep, 5_000);
const compactor: ReturnType<typeof setInterval> = setInterval(() => compact(), 60_000);
let vacuumer: NodeJS.Timer | undefined = setInterval(() => vacuum(), 3_600_000);
const poller = setInterval(() => compact(), 1_000) as NodeJS.Timeout;
