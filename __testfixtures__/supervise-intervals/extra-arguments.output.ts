import { report } from './reporter';
import { supervise } from '@leakfix/runtime';

const region = 'eu-west-1';

supervise('report', () => report(region, 'hourly'), { everyMs: 60_000 });
supervise('interval', () => ((label: string) => console.log(label))('tick'), { everyMs: 1000 });
