import { report } from './reporter';

const region = 'eu-west-1';

setInterval(report, 60_000, region, 'hourly');
setInterval((label: string) => console.log(label), 1000, 'tick');
