import { cache } from './cache';
import { track } from '@leakfix/runtime';

const flushCache = async () => {
  await cache.flush();
};

const warmUp = async function warm() {
  await cache.load();
};

export function onDeploy() {
  track(flushCache(), 'onDeploy:flushCache');
  track(warmUp(), 'onDeploy:warmUp');
}
