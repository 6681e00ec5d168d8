import { track, TaskGroup } from '@leakfix/runtime';
import * as lf from '@leakfix/runtime';

async function load() {}
const group = new TaskGroup();

track(load(), 'load');
lf.track(load());
group.track(load(), 'load');
