import { setInterval as every } from 'node:timers/promises';
import { check } from './health.mjs';

const seen = [];
for await (const _ of every(1000)) {
  const status = await check();
  switch (status) {
    case 'up':
      seen.push(Date.now());
      break;
    case 'shutdown':
      break;
  }
}
console.log('monitor stopped after', seen.length, 'checks');
